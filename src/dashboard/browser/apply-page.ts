/// <reference lib="dom" />
import { DashboardApplyDocument, type CapstanClient, type DashboardApplyMutation } from '../../sdk/browser.ts';
import { actionError } from './actions.ts';
import { h } from './dom.ts';
import type { Page } from './pages.ts';

type Results = DashboardApplyMutation['apply'];

function diffView(diff: string): HTMLElement {
  const lines = diff.split('\n').map((line) => {
    const kind = line.startsWith('+') ? 'add' : line.startsWith('-') ? 'del' : line.startsWith('@@') ? 'hunk' : '';
    return h('span', kind ? { class: `diff-${kind}` } : {}, `${line}\n`);
  });
  return h('pre', { class: 'diff' }, ...lines);
}

function resultsView(results: Results, dryRun: boolean): HTMLElement {
  const items = results.map((r) => {
    const name = `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`;
    const action = r.action.toLowerCase();
    return h(
      'li',
      { 'data-action': action },
      h('strong', {}, name),
      `: ${dryRun ? `would be ${action}` : action}`,
      r.diff ? diffView(r.diff) : null,
    );
  });
  return h('ul', { class: 'apply-results' }, ...items);
}

/**
 * Apply a pasted manifest: first the server's dry run (what each object would become, as a diff from the live one),
 * then, for exactly the text that was diffed, the apply itself.
 */
export function openApplyPage(api: CapstanClient, view: HTMLElement, namespace: string): Page {
  const text = h('textarea', {
    id: 'apply-manifest',
    rows: '16',
    spellcheck: 'false',
    placeholder: 'apiVersion: apps/v1\nkind: Deployment\n...',
  });
  const ns = h('input', { id: 'apply-namespace', value: namespace || 'default' });
  const diff = h('button', { id: 'apply-diff', type: 'button' }, 'Diff (server dry run)');
  const apply = h('button', { id: 'apply-confirm', type: 'button', disabled: '' }, 'Apply');
  const output = h('div', { id: 'apply-output', role: 'status' });
  let diffed: string | undefined;

  const run = async (dryRun: boolean): Promise<void> => {
    const manifest = text.value;
    diff.disabled = apply.disabled = true;
    output.replaceChildren(h('p', { class: 'hint' }, dryRun ? 'Asking the server for a dry run…' : 'Applying…'));
    try {
      const { apply: results } = await api.request(DashboardApplyDocument, {
        manifest,
        namespace: ns.value || null,
        dryRun,
      });
      output.replaceChildren(
        h('p', { class: 'ok' }, dryRun ? 'Dry run: nothing was written.' : 'Applied.'),
        resultsView(results, dryRun),
      );
      diffed = dryRun ? manifest : undefined;
    } catch (err) {
      diffed = undefined;
      output.replaceChildren(h('p', { class: 'error', role: 'alert' }, actionError(err)));
    } finally {
      diff.disabled = false;
      apply.disabled = diffed !== text.value;
    }
  };
  diff.addEventListener('click', () => void run(true));
  apply.addEventListener('click', () => void run(false));
  text.addEventListener('input', () => (apply.disabled = diffed !== text.value));

  view.replaceChildren(
    h('h2', {}, 'Apply a manifest'),
    h(
      'p',
      { class: 'hint' },
      'Paste Kubernetes YAML (several documents with ---). The server first shows what would change; Apply writes exactly what was diffed.',
    ),
    text,
    h('div', { class: 'controls' }, h('label', {}, 'Namespace for documents that name none ', ns), diff, apply),
    output,
  );
  return { refresh() {}, close() {} };
}
