import { CapstanError, type FieldViolation } from '../api/errors.ts';
import type { Deployment, KubeObject, Pod, PodSpec, ReplicationController } from '../api/types.ts';
import type { Store } from '../store/store.ts';
import { checkResourceVersion, DEFAULT_NAMESPACE, describeRef, type MutationOptions } from './objects.ts';

/** The kinds whose container images `kubectl set image` changes. */
export type ImageKind = 'Deployment' | 'ReplicationController' | 'Pod';

/** One `container=image` of `kubectl set image`; container `*` stands for every container. */
export interface ContainerImage {
  container: string;
  image: string;
}

/** Every container, as `kubectl set image deploy/web *=image` says it. */
export const ALL_CONTAINERS = '*';

/**
 * The pod spec with the images replaced, and whether any changed. A container name the spec does not have is
 * refused with INVALID naming it and the containers there are; `subject` names the object in that message.
 */
export function setContainerImages(
  spec: PodSpec,
  images: readonly ContainerImage[],
  subject: string,
): { spec: PodSpec; changed: boolean } {
  const violations: FieldViolation[] = [];
  if (images.length === 0) violations.push({ field: 'images', message: 'give at least one container=image' });
  const names = spec.containers.map((c) => c.name);
  images.forEach(({ container, image }, i) => {
    if (image.trim() === '') violations.push({ field: `images[${i}].image`, message: 'Required value' });
    if (container !== ALL_CONTAINERS && !names.includes(container)) {
      violations.push({
        field: `images[${i}].container`,
        message: `unable to find container named "${container}" in ${subject} (containers: ${names.join(', ')})`,
      });
    }
  });
  if (violations.length > 0) throw CapstanError.invalid(violations);
  let changed = false;
  const containers = spec.containers.map((c) => {
    // Later entries win, as they do in kubectl: `*=a web=b` gives web image b.
    const wanted = images.findLast((i) => i.container === c.name || i.container === ALL_CONTAINERS)?.image;
    if (wanted === undefined || wanted === c.image) return c;
    changed = true;
    return { ...c, image: wanted };
  });
  return { spec: { ...spec, containers }, changed };
}

/** The result of `setImage`. */
export interface ImageUpdate {
  object: Deployment | ReplicationController | Pod;
  changed: boolean;
}

function withImages<T extends KubeObject>(
  object: T,
  images: readonly ContainerImage[],
  subject: string,
): { object: T; changed: boolean } {
  if (object.kind === 'Pod') {
    const { spec, changed } = setContainerImages((object as unknown as Pod).spec!, images, subject);
    return { object: { ...object, spec }, changed };
  }
  const workload = object as unknown as Deployment | ReplicationController;
  const template = workload.spec!.template;
  const { spec, changed } = setContainerImages(template.spec, images, subject);
  return { object: { ...object, spec: { ...workload.spec, template: { ...template, spec } } }, changed };
}

/**
 * `kubectl set image`: replaces container images of a Deployment's or ReplicationController's pod template, or of
 * a Pod. On a Deployment the changed template bumps its generation and the Deployment controller rolls it out as a
 * new revision; a ReplicationController's existing pods keep their images, as in Kubernetes. The write is the
 * store's compare-and-set, re-applied to a fresh read on conflict.
 */
export async function setImage(
  store: Store,
  ref: { kind: ImageKind; namespace?: string; name: string },
  images: readonly ContainerImage[],
  options: MutationOptions = {},
): Promise<ImageUpdate> {
  const namespace = ref.namespace ?? DEFAULT_NAMESPACE;
  const subject = describeRef({ ...ref, namespace });
  let changed = false;
  const update = <T extends Deployment | ReplicationController | Pod>(current: T): T | undefined => {
    checkResourceVersion(current, options.expectedResourceVersion);
    const result = withImages(current, images, subject);
    changed = result.changed;
    return changed ? result.object : undefined;
  };
  const write = { dryRun: options.dryRun };
  const object =
    ref.kind === 'Deployment'
      ? await store.mutate('Deployment', namespace, ref.name, update, write)
      : ref.kind === 'ReplicationController'
        ? await store.mutate('ReplicationController', namespace, ref.name, update, write)
        : await store.mutate('Pod', namespace, ref.name, update, write);
  return { object, changed };
}
