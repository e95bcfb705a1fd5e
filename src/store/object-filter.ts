import type { KubeObject, Labels } from '../api/types.ts';
import { fieldsOf, parseFieldSelector } from '../labels/field-selector.ts';
import { parseSelector } from '../labels/selector.ts';

/** What a filter needs to know of an object's previous version: its labels and selectable fields. */
export interface MatchView {
  labels?: Labels;
  fields: Record<string, string>;
}

/** Namespace, label selector and field selector of a list or watch, parsed once. */
export interface ObjectFilter {
  matches(object: KubeObject): boolean;
  matchesView(view: MatchView): boolean;
}

/** Parses the selectors of a list or watch; bad selectors fail with INVALID before anything is read. */
export function buildFilter(
  kind: string,
  options: { namespace?: string | undefined; labelSelector?: string; fieldSelector?: string },
): ObjectFilter {
  const labels = parseSelector(options.labelSelector ?? '');
  const fields = parseFieldSelector(options.fieldSelector ?? '', kind);
  const namespace = options.namespace;
  const everything = labels.isEverything() && fields.isEverything();
  return {
    matches(object) {
      if (namespace !== undefined && object.metadata.namespace !== namespace) return false;
      return everything || (labels.matches(object.metadata.labels) && fields.matches(object));
    },
    matchesView(view) {
      if (namespace !== undefined && view.fields['metadata.namespace'] !== namespace) return false;
      return everything || (labels.matches(view.labels) && fields.matchesFields(view.fields));
    },
  };
}

/** The view of an object kept in a MODIFIED change entry, so watchers can tell an object leaving their selector. */
export function matchView(object: KubeObject): MatchView {
  const view: MatchView = { fields: fieldsOf(object) };
  if (object.metadata.labels) view.labels = object.metadata.labels;
  return view;
}
