import { describe, expect, it } from 'vitest';
import type { Kind, KubeObject } from '../api/types.ts';
import { planGarbageCollection } from './garbage-collection-plan.ts';

type Obj = Pick<KubeObject, 'kind' | 'metadata'>;

function obj(
  kind: Kind,
  name: string,
  options: { owners?: Obj[]; deleting?: boolean; finalizers?: string[]; uid?: string } = {},
): Obj {
  return {
    kind,
    metadata: {
      name,
      namespace: 'default',
      uid: options.uid ?? `${kind}-${name}`,
      resourceVersion: '1',
      generation: 1,
      creationTimestamp: '2025-01-01T00:00:00Z',
      ...(options.deleting ? { deletionTimestamp: '2025-01-01T00:01:00Z' } : {}),
      ...(options.finalizers ? { finalizers: options.finalizers } : {}),
      ...(options.owners
        ? {
            ownerReferences: options.owners.map((o) => ({
              apiVersion: 'v1',
              kind: o.kind,
              name: o.metadata.name,
              uid: o.metadata.uid,
              controller: true,
            })),
          }
        : {}),
    },
  };
}

const summary = (objects: Obj[]) =>
  planGarbageCollection(objects).map((a) =>
    a.type === 'delete'
      ? `delete ${a.object.name} ${a.propagationPolicy}`
      : a.type === 'removeOwnerReferences'
        ? `unown ${a.object.name} from ${a.ownerUids.join(',')}`
        : `finalize ${a.object.name} -${a.finalizer}`,
  );

describe('planGarbageCollection', () => {
  it('deletes in the background dependents whose owners are all gone', () => {
    const rc = obj('ReplicationController', 'web');
    const pods = [obj('Pod', 'web-1', { owners: [rc] }), obj('Pod', 'web-2', { owners: [rc] })];
    expect(summary(pods)).toEqual(['delete web-1 Background', 'delete web-2 Background']);
    expect(summary([rc, ...pods])).toEqual([]);
  });

  it('treats an owner re-created under the same name as gone (uids differ)', () => {
    const old = obj('ReplicationController', 'web', { uid: 'old' });
    const recreated = obj('ReplicationController', 'web', { uid: 'new' });
    expect(summary([recreated, obj('Pod', 'web-1', { owners: [old] })])).toEqual(['delete web-1 Background']);
  });

  it('keeps a dependent that still has a live owner, dropping only the dangling reference', () => {
    const gone = obj('Deployment', 'gone');
    const live = obj('Deployment', 'live');
    expect(summary([live, obj('ReplicationController', 'shared', { owners: [gone, live] })])).toEqual([
      'unown shared from Deployment-gone',
    ]);
  });

  it('leaves dependents already being deleted alone', () => {
    const rc = obj('ReplicationController', 'web');
    expect(summary([obj('Pod', 'web-1', { owners: [rc], deleting: true })])).toEqual([]);
  });

  it('foreground deletion deletes dependents first and removes the finalizer only when none is left', () => {
    const deploy = obj('Deployment', 'web', { deleting: true, finalizers: ['foregroundDeletion'] });
    const rc = obj('ReplicationController', 'web-abc', { owners: [deploy] });
    const pod = obj('Pod', 'web-abc-1', { owners: [rc] });
    expect(summary([deploy, rc, pod])).toEqual(['delete web-abc Foreground']);

    const rcDeleting = obj('ReplicationController', 'web-abc', {
      owners: [deploy],
      deleting: true,
      finalizers: ['foregroundDeletion'],
    });
    expect(summary([deploy, rcDeleting, pod])).toEqual(['delete web-abc-1 Foreground']);
    expect(summary([deploy, rcDeleting])).toEqual(['finalize web-abc -foregroundDeletion']);
    expect(summary([deploy])).toEqual(['finalize web -foregroundDeletion']);
  });

  it('orphan deletion removes the references from dependents, then the finalizer', () => {
    const rc = obj('ReplicationController', 'web', { deleting: true, finalizers: ['orphan'] });
    const pods = [obj('Pod', 'web-1', { owners: [rc] }), obj('Pod', 'web-2', { owners: [rc] })];
    expect(summary([rc, ...pods])).toEqual([
      'unown web-1 from ReplicationController-web',
      'unown web-2 from ReplicationController-web',
      'finalize web -orphan',
    ]);
  });

  it('never deletes a dependent an orphaning owner still holds', () => {
    const orphaning = obj('ReplicationController', 'a', { deleting: true, finalizers: ['orphan'] });
    const gone = obj('ReplicationController', 'b');
    const actions = summary([orphaning, obj('Pod', 'p', { owners: [orphaning, gone] })]);
    expect(actions).not.toContain('delete p Background');
    expect(actions).toContain('unown p from ReplicationController-b');
  });
});
