/// <reference lib="dom" />
import { objectAge } from '../../resolvers/pod-columns.ts';
import { MAX_ROWS, type Row, type RowAction } from './columns.ts';

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
  const drawn = rows.slice(0, MAX_ROWS).map(rowElement);
  if (rows.length > MAX_ROWS) {
    const more = rows.length - MAX_ROWS;
    drawn.push(messageRow(table, `${more} more not shown: choose a namespace to narrow the list`, 'placeholder'));
  }
  body.replaceChildren(...drawn);
}

const ACTION_LABELS: Record<RowAction['action'], string> = {
  scale: 'Scale',
  restart: 'Restart',
  undo: 'Undo',
  delete: 'Delete',
  cordon: 'Cordon',
  uncordon: 'Uncordon',
  drain: 'Drain',
};

/** A row's buttons carry their action as data attributes; one click handler on the page (main.ts) reads them. */
export function actionButton(action: RowAction): HTMLButtonElement {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'action';
  button.textContent = ACTION_LABELS[action.action];
  button.dataset['action'] = action.action;
  button.dataset['kind'] = action.kind;
  button.dataset['name'] = action.name;
  if (action.namespace !== undefined) button.dataset['namespace'] = action.namespace;
  if (action.replicas !== undefined) button.dataset['replicas'] = String(action.replicas);
  return button;
}

/** One table row: its cells (a link where the cell has one) and, when the row has actions, a cell of buttons. */
export function rowElement(row: Row): HTMLTableRowElement {
  const tr = document.createElement('tr');
  tr.dataset['key'] = row.key;
  for (const cell of row.cells) {
    const td = document.createElement('td');
    if (cell.href) {
      const a = document.createElement('a');
      a.href = cell.href;
      a.textContent = cell.text;
      td.append(a);
    } else {
      td.textContent = cell.text;
    }
    if (cell.tone) td.className = `tone-${cell.tone}`;
    if (cell.since) td.dataset['since'] = cell.since;
    tr.append(td);
  }
  if (row.actions) {
    const td = document.createElement('td');
    td.className = 'actions';
    td.append(...row.actions.map(actionButton));
    tr.append(td);
  }
  return tr;
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
