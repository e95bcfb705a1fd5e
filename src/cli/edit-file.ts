import { parse } from 'yaml';
import type { Kind } from '../api/types.ts';
import type { SchemaShapes } from '../sdk/object-shapes.ts';

type JsonObject = Record<string, unknown>;

/** kubectl edit's header, word for word. */
export const EDIT_HEADER = [
  "# Please edit the object below. Lines beginning with a '#' will be ignored,",
  '# and an empty file will abort the edit. If an error occurs while saving this file will be',
  '# reopened with the relevant failures.',
  '#',
];

/** Why a saved file is shown again: one heading (`deployment.apps "web" was not valid`) and its details. */
export interface EditReason {
  head: string;
  details: readonly string[];
}

function commented(text: string): string {
  return text.replace(/\n/g, '\n# ');
}

/** The text put in the editor: kubectl's header, then the reasons of a failed save as comments, then `body`. */
export function renderEditFile(body: string, reasons: readonly EditReason[] = []): string {
  const lines = [...EDIT_HEADER];
  for (const reason of reasons) {
    lines.push(`# ${commented(reason.head)}${reason.details.length > 0 ? ':' : ''}`);
    for (const detail of reason.details) lines.push(`# * ${commented(detail)}`);
    lines.push('#');
  }
  return `${lines.join('\n')}\n${body.endsWith('\n') || body === '' ? body : `${body}\n`}`;
}

/** The text without its comment lines (lines whose first non-blank character is `#`, but not `#!`), as kubectl's ManualStrip. */
export function manualStrip(text: string): string {
  return text
    .split('\n')
    .filter((line) => {
      const trimmed = line.trim();
      return !(trimmed.startsWith('#') && !trimmed.startsWith('#!'));
    })
    .join('\n');
}

/**
 * What a saved file means, for telling whether it changed: the JSON of its YAML when it parses (so comments,
 * spacing and quoting do not count), else the text without comment lines, as kubectl's StripComments.
 */
export function stripComments(text: string): string {
  try {
    return JSON.stringify(parse(text) ?? null);
  } catch {
    return manualStrip(text);
  }
}

/** Whether two saved texts hold the same content, comments aside. */
export function sameContent(a: string, b: string): boolean {
  return stripComments(a) === stripComments(b);
}

/** Whether the file holds anything but blank lines and comments; an empty save cancels the edit. */
export function hasContent(text: string): boolean {
  return text.split('\n').some((line) => line.trim() !== '' && !line.trim().startsWith('#'));
}

/**
 * The edited object: the one YAML mapping of the file. Throws an Error whose message becomes the "syntax error"
 * reason shown in the reopened file.
 */
export function parseEdited(text: string): JsonObject {
  const value: unknown = parse(text);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error('the file must hold one object (a YAML mapping with apiVersion, kind, metadata...)');
  }
  return value as JsonObject;
}

// Shell syntax the plain split cannot honour: quotes, escapes, expansions, operators.
const SHELL_SYNTAX = /["'\\$`|;&<>(){}*?~]/;

/** The user's editor: CAPSTAN_EDITOR, else KUBE_EDITOR, else EDITOR, else vi. */
export function editorCommand(env: NodeJS.ProcessEnv): string {
  return [env.CAPSTAN_EDITOR, env.KUBE_EDITOR, env.EDITOR].map((v) => v?.trim()).find((v) => v) ?? 'vi';
}

/**
 * The command line that opens `path` in `editor`. As kubectl does, an editor with spaces is split into arguments,
 * and one with shell syntax (quotes, `$`, `~`...) is left to the shell, with the path passed as `$1` so that it
 * needs no quoting.
 */
export function editorArgv(editor: string, path: string): string[] {
  // POSIX sh rather than $SHELL (as kubectl uses): `"$1"` means the same in every sh, not in fish or csh.
  if (SHELL_SYNTAX.test(editor)) return ['/bin/sh', '-c', `${editor} "$1"`, 'capstan-edit', path];
  return [...editor.split(/\s+/), path];
}

/** The changes of kind, apiVersion, name or namespace that an edit may not make, in words; empty when none. */
export function identityChanges(original: JsonObject, edited: JsonObject): string[] {
  const changes: string[] = [];
  const check = (what: string, before: unknown, after: unknown, optional: boolean) => {
    if (after === undefined && optional) return;
    if (after !== before) {
      changes.push(
        `the ${what} of the object cannot be changed (from ${JSON.stringify(before)} to ${JSON.stringify(after ?? null)})`,
      );
    }
  };
  const meta = (o: JsonObject) =>
    typeof o.metadata === 'object' && o.metadata !== null ? (o.metadata as JsonObject) : {};
  check('kind', original.kind, edited.kind, false);
  check('apiVersion', original.apiVersion, edited.apiVersion, true);
  check('name', meta(original).name, meta(edited).name, false);
  check('namespace', meta(original).namespace, meta(edited).namespace, true);
  return changes;
}

const CLEARABLE_METADATA = ['labels', 'annotations', 'ownerReferences', 'finalizers'];

/**
 * The update input for an edited manifest. An update keeps the labels, annotations, owners, finalizers and top-level
 * lists that its input leaves out, so those the user deleted in the editor are sent as empty lists: what was deleted
 * is gone, as with kubectl's patch.
 */
export function editInput(shapes: SchemaShapes, kind: Kind, original: JsonObject, edited: JsonObject): JsonObject {
  const before = shapes.manifestToInput(kind, original);
  const input = shapes.manifestToInput(kind, edited);
  const beforeMeta = (before.metadata ?? {}) as JsonObject;
  const metadata = { ...((input.metadata ?? {}) as JsonObject) };
  for (const field of CLEARABLE_METADATA) {
    if (beforeMeta[field] !== undefined && metadata[field] === undefined) metadata[field] = [];
  }
  // The namespace is the one edited (checked unchanged); a file that leaves it out still means the same object.
  if (beforeMeta.namespace !== undefined) metadata.namespace = beforeMeta.namespace;
  const result: JsonObject = { ...input, metadata };
  for (const [field, value] of Object.entries(before)) {
    if (field !== 'metadata' && Array.isArray(value) && result[field] === undefined) result[field] = [];
  }
  return result;
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, canonical((value as JsonObject)[key])]),
  );
}

/** Whether two update inputs write the same thing (key order aside): an edit of status or comments changes nothing. */
export function sameInput(a: JsonObject, b: JsonObject): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}
