/// <reference lib="dom" />
import { objectAge } from '../../resolvers/pod-status.ts';
import { MAX_ROWS, type Row } from './columns.ts';

/** Looks up an element the page must have; a missing one is a bug in index.html, not a user error. */
export function element<T extends HTMLElement>(id: string, type: new () => T): T {
  const found = document.getElementById(id);
  if (!(found instanceof type)) throw new Error(`dashboard page: #${id} is missing or not a ${type.name}`);
  return found;
}

function messageRow(table: HTMLTableElement, text: string, className: string): HTMLTableRowElement {
  const tr = document.createElement('tr');
  tr.className = className;
  const td = document.createElement('td');
  td.colSpan = table.tHead?.rows[0]?.cells.length ?? 1;
  td.textContent = text;
  tr.append(td);
  return tr;
}

/**
 * Replaces a table's body with rows (keyed by `data-key`, e.g. `default/web-1`), or with one line saying it is loading
 * or empty. Rows past MAX_ROWS are left out with a note: a page with thousands of rows is not readable anyway.
 */
export function renderTable(
  table: HTMLTableElement,
  rows: readonly Row[] | undefined,
  empty: string,
  count?: HTMLElement,
): void {
  const body = table.tBodies[0] ?? table.createTBody();
  if (count) count.textContent = rows ? `(${rows.length})` : '';
  if (!rows) return body.replaceChildren(messageRow(table, 'Loading…', 'placeholder'));
  if (rows.length === 0) return body.replaceChildren(messageRow(table, empty, 'placeholder'));
  const drawn = rows.slice(0, MAX_ROWS).map((row) => {
    const tr = document.createElement('tr');
    tr.dataset['key'] = row.key;
    for (const cell of row.cells) {
      const td = document.createElement('td');
      td.textContent = cell.text;
      if (cell.tone) td.className = `tone-${cell.tone}`;
      if (cell.since) td.dataset['since'] = cell.since;
      tr.append(td);
    }
    return tr;
  });
  if (rows.length > MAX_ROWS) {
    const more = rows.length - MAX_ROWS;
    drawn.push(messageRow(table, `${more} more not shown: choose a namespace to narrow the list`, 'placeholder'));
  }
  body.replaceChildren(...drawn);
}

/** Brings age cells up to date (ages change with time alone, without any event). */
export function refreshAges(root: ParentNode, now = Date.now()): void {
  for (const cell of root.querySelectorAll<HTMLElement>('td[data-since]')) {
    const since = cell.dataset['since'];
    if (since) cell.textContent = objectAge(since, now);
  }
}

/** Fills a <select> with `All namespaces` and the given names, keeping the selection (even if it is gone). */
export function renderNamespaceOptions(select: HTMLSelectElement, names: readonly string[]): void {
  const selected = select.value;
  const choices = selected && !names.includes(selected) ? [...names, selected].sort() : names;
  const current = [...select.options].map((o) => o.value);
  if (current.length === choices.length + 1 && choices.every((name, i) => current[i + 1] === name)) return;
  const all = new Option('All namespaces', '');
  select.replaceChildren(all, ...choices.map((name) => new Option(name, name)));
  select.value = selected;
}
