/// <reference lib="dom" />
import type { Row } from './columns.ts';
import { rowElement } from './render.ts';

/** Rows drawn above and below the visible ones, so a fast scroll does not show blank space for a frame. */
const OVERSCAN = 10;
/** The row height until a drawn row has been measured (the stylesheet fixes it: one line, no wrapping). */
const DEFAULT_ROW_HEIGHT = 31;

/** The rows to draw for a scroll position: a window around what is visible, clamped to the list. */
export function visibleWindow(
  total: number,
  scrollTop: number,
  viewportHeight: number,
  rowHeight: number,
  overscan = OVERSCAN,
): { start: number; end: number } {
  const first = Math.floor(scrollTop / rowHeight);
  const start = Math.min(total, Math.max(0, first - overscan));
  const end = Math.min(total, first + Math.ceil(viewportHeight / rowHeight) + overscan);
  return { start, end: Math.max(start, end) };
}

/**
 * A table that draws only the rows in view of its scrolling container, with spacer rows standing in for the rest:
 * a list of thousands of pods costs the DOM a few dozen rows, and a change to the list redraws only those.
 */
export class VirtualTable {
  private rows: readonly Row[] = [];
  private rowHeight = DEFAULT_ROW_HEIGHT;
  private queued = false;
  private readonly top: HTMLTableRowElement;
  private readonly bottom: HTMLTableRowElement;

  constructor(
    private readonly table: HTMLTableElement,
    private readonly scroller: HTMLElement,
  ) {
    this.top = this.spacer();
    this.bottom = this.spacer();
    scroller.addEventListener('scroll', () => this.schedule(), { passive: true });
    window.addEventListener('resize', () => this.schedule());
  }

  private spacer(): HTMLTableRowElement {
    const tr = document.createElement('tr');
    tr.className = 'spacer';
    tr.setAttribute('aria-hidden', 'true');
    const td = document.createElement('td');
    td.colSpan = this.table.tHead?.rows[0]?.cells.length ?? 1;
    tr.append(td);
    return tr;
  }

  /** Replaces the list (already sorted and filtered) and draws the rows in view. */
  setRows(rows: readonly Row[]): void {
    this.rows = rows;
    this.table.dataset['rows'] = String(rows.length);
    this.draw();
  }

  private schedule(): void {
    if (this.queued) return;
    this.queued = true;
    requestAnimationFrame(() => {
      this.queued = false;
      this.draw();
    });
  }

  private draw(): void {
    const body = this.table.tBodies[0] ?? this.table.createTBody();
    const header = this.table.tHead?.offsetHeight ?? 0;
    const { start, end } = visibleWindow(
      this.rows.length,
      Math.max(0, this.scroller.scrollTop - header),
      this.scroller.clientHeight,
      this.rowHeight,
    );
    const drawn = this.rows.slice(start, end).map(rowElement);
    (this.top.firstElementChild as HTMLElement).style.height = `${start * this.rowHeight}px`;
    (this.bottom.firstElementChild as HTMLElement).style.height = `${(this.rows.length - end) * this.rowHeight}px`;
    this.top.hidden = start === 0;
    this.bottom.hidden = end === this.rows.length;
    body.replaceChildren(this.top, ...drawn, this.bottom);
    const measured = drawn[0]?.getBoundingClientRect().height;
    if (measured && Math.abs(measured - this.rowHeight) > 0.5) {
      this.rowHeight = measured;
      this.schedule();
    }
  }
}
