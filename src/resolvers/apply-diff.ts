import { createTwoFilesPatch } from 'diff';
import { stringify } from 'yaml';
import type { KubeObject } from '../api/types.ts';
import { appliedPart } from './manifest.ts';

/** Where kubectl keeps the configuration an object was last applied with (left out of diffs: it repeats the rest). */
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** The YAML a diff compares: the parts apply owns, without the last-applied annotation; empty for no object. */
export function diffText(object: KubeObject | undefined): string {
  if (!object) return '';
  const part = appliedPart(object) as { metadata: { labels: object; annotations: Record<string, string> } };
  const { [LAST_APPLIED]: _lastApplied, ...annotations } = part.metadata.annotations;
  return stringify({ ...part, metadata: { ...part.metadata, annotations } }, { sortMapEntries: true });
}

/**
 * `kubectl diff` of one object: a unified diff from the live object (`before`, absent when apply creates it) to the
 * object as the server's dry run would store it. Empty when nothing would change.
 */
export function applyDiff(name: string, before: KubeObject | undefined, after: KubeObject): string {
  const from = diffText(before);
  const to = diffText(after);
  if (from === to) return '';
  return createTwoFilesPatch(before ? `live/${name}` : '/dev/null', `applied/${name}`, from, to, '', '', {
    context: 3,
  });
}
