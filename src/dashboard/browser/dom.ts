/// <reference lib="dom" />

type Child = Node | string | null | undefined | false;

/** A new element with attributes (`class`, `id`, `data-*`, `href`...) and children; text children are text nodes. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) if (value !== undefined) element.setAttribute(name, value);
  for (const child of children) if (child) element.append(child);
  return element;
}

/** A table of text cells with a header row; `rows` empty gives one row saying `empty`. */
export function textTable(id: string, headers: string[], rows: string[][], empty: string): HTMLTableElement {
  const body =
    rows.length > 0
      ? rows.map((cells) => h('tr', {}, ...cells.map((text) => h('td', {}, text))))
      : [h('tr', { class: 'placeholder' }, h('td', { colspan: String(headers.length) }, empty))];
  return h(
    'table',
    { id },
    h('thead', {}, h('tr', {}, ...headers.map((text) => h('th', {}, text)))),
    h('tbody', {}, ...body),
  );
}
