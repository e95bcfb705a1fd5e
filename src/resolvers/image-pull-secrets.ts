import type { KubeObject, Namespace, Pod } from '../api/types.ts';
import type { AdmissionPlugin, Store } from '../store/store.ts';

/**
 * The namespace annotation naming the image pull Secrets of pods that name none, comma-separated. Capstan has no
 * ServiceAccounts; Kubernetes users put such Secrets on the namespace's `default` ServiceAccount, whose admission
 * copies them into every pod that has none: this annotation plays that part.
 */
export const IMAGE_PULL_SECRETS_ANNOTATION = 'capstan.io/image-pull-secrets';

/** The pull Secrets an annotation value names (blanks and duplicates dropped). */
export function pullSecretNames(annotation: string | undefined): string[] {
  return [
    ...new Set(
      (annotation ?? '')
        .split(',')
        .map((n) => n.trim())
        .filter(Boolean),
    ),
  ];
}

/**
 * Admission of pod creates, as Kubernetes' ServiceAccount admission does for imagePullSecrets: a pod without
 * `spec.imagePullSecrets` gets its namespace's default ones, so the pod shows what its node will use.
 */
export class ImagePullSecretsAdmission implements AdmissionPlugin {
  readonly kinds = ['Pod'] as const;

  constructor(private readonly store: () => Store) {}

  async admit(request: { operation: 'create' | 'update'; object: KubeObject }): Promise<KubeObject> {
    const pod = request.object as Pod;
    if (request.operation !== 'create' || !pod.spec || pod.spec.imagePullSecrets?.length) return pod;
    const namespace = (await this.store().tryGet('Namespace', undefined, pod.metadata.namespace ?? 'default')) as
      Namespace | undefined;
    const names = pullSecretNames(namespace?.metadata.annotations?.[IMAGE_PULL_SECRETS_ANNOTATION]);
    if (names.length === 0) return pod;
    return { ...pod, spec: { ...pod.spec, imagePullSecrets: names.map((name) => ({ name })) } } as Pod;
  }
}
