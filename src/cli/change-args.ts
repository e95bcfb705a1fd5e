import { CliError } from './cli-error.ts';

/** The arguments of `label`/`annotate`, sorted the way kubectl sorts them. */
export interface MetadataArgs {
  /** Resource arguments: `pods web-1`, `pod/web-1`, `nodes`. */
  resources: string[];
  /** `key=value` entries. */
  set: Record<string, string>;
  /** `key-` entries. */
  remove: string[];
}

/**
 * Splits `kubectl label`/`annotate` arguments: one with `=` sets a key (the value is everything after the first
 * `=`, possibly empty), one ending in `-` removes a key, anything else names resources. `noun` ("label",
 * "annotation") words the errors.
 */
export function parseMetadataArgs(args: readonly string[], noun: string): MetadataArgs {
  const parsed: MetadataArgs = { resources: [], set: {}, remove: [] };
  for (const arg of args) {
    const eq = arg.indexOf('=');
    if (eq === 0) throw new CliError(`invalid ${noun} spec "${arg}": the key is empty`);
    if (eq > 0) {
      const key = arg.slice(0, eq);
      const value = arg.slice(eq + 1);
      if (Object.hasOwn(parsed.set, key) && parsed.set[key] !== value) {
        throw new CliError(`${noun} "${key}" is given twice with different values`);
      }
      parsed.set[key] = value;
    } else if (arg.endsWith('-')) {
      if (arg === '-') throw new CliError(`invalid ${noun} spec "-": the key is empty`);
      const key = arg.slice(0, -1);
      if (!parsed.remove.includes(key)) parsed.remove.push(key);
    } else {
      parsed.resources.push(arg);
    }
  }
  const both = parsed.remove.find((key) => Object.hasOwn(parsed.set, key));
  if (both !== undefined) throw new CliError(`can not both modify and remove ${noun} "${both}" in the same command`);
  if (Object.keys(parsed.set).length === 0 && parsed.remove.length === 0) {
    throw new CliError(`at least one ${noun} update is required: KEY=VALUE to set, KEY- to remove`);
  }
  return parsed;
}

/** One `container=image` of `set image`; container `*` means every container. */
export interface ImageArg {
  container: string;
  image: string;
}

/** Splits `kubectl set image` arguments into resource arguments and `container=image` pairs. */
export function parseImageArgs(args: readonly string[]): { resources: string[]; images: ImageArg[] } {
  const resources: string[] = [];
  const images: ImageArg[] = [];
  for (const arg of args) {
    const eq = arg.indexOf('=');
    if (eq === -1) {
      resources.push(arg);
      continue;
    }
    const container = arg.slice(0, eq);
    const image = arg.slice(eq + 1);
    if (container === '' || image === '') {
      throw new CliError(`invalid image update "${arg}": expected CONTAINER=IMAGE (or *=IMAGE for every container)`);
    }
    images.push({ container, image });
  }
  if (images.length === 0) throw new CliError('at least one image update is required: CONTAINER=IMAGE');
  return { resources, images };
}

/**
 * What a `label`/`annotate` result line says: `labeled`, `unlabeled` (only removals), or `not labeled` (nothing
 * changed), for verb "label"; `annotated` / `not annotated` for "annotate", as kubectl prints them.
 */
export function changeVerb(verb: 'label' | 'annotate', changed: boolean, onlyRemovals: boolean): string {
  const done = verb === 'label' ? 'labeled' : 'annotated';
  if (!changed) return `not ${done}`;
  return verb === 'label' && onlyRemovals ? 'unlabeled' : done;
}
