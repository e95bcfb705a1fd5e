import { describe, expect, it } from 'vitest';
import { isCapstanError } from '../api/errors.ts';
import type { PodSpec } from '../api/types.ts';
import { setContainerImages } from './images.ts';

const spec: PodSpec = {
  containers: [
    { name: 'web', image: 'capstan/hello:1', ports: [{ containerPort: 80 }] },
    { name: 'sidecar', image: 'capstan/busybox' },
  ],
};

describe('setContainerImages', () => {
  it('replaces the named container image and keeps the rest of the container and spec', () => {
    const { spec: next, changed } = setContainerImages(spec, [{ container: 'web', image: 'capstan/hello:2' }], 'x');
    expect(changed).toBe(true);
    expect(next.containers).toEqual([
      { name: 'web', image: 'capstan/hello:2', ports: [{ containerPort: 80 }] },
      { name: 'sidecar', image: 'capstan/busybox' },
    ]);
    expect(spec.containers[0]!.image).toBe('capstan/hello:1');
  });

  it('sets every container for *, with later entries winning', () => {
    const { spec: next } = setContainerImages(
      spec,
      [
        { container: '*', image: 'all:1' },
        { container: 'sidecar', image: 'side:2' },
      ],
      'x',
    );
    expect(next.containers.map((c) => c.image)).toEqual(['all:1', 'side:2']);
  });

  it('reports no change when the images are already set', () => {
    expect(setContainerImages(spec, [{ container: 'web', image: 'capstan/hello:1' }], 'x').changed).toBe(false);
  });

  it('refuses an unknown container with INVALID naming it and the containers there are', () => {
    let error: unknown;
    try {
      setContainerImages(spec, [{ container: 'api', image: 'a:1' }], 'Deployment default/web');
    } catch (err) {
      error = err;
    }
    expect(isCapstanError(error, 'INVALID')).toBe(true);
    expect((error as Error).message).toBe(
      'images[0].container: unable to find container named "api" in Deployment default/web (containers: web, sidecar)',
    );
  });
});
