import { describe, expect, it } from 'vitest';
import { CliError } from './cli-error.ts';
import { lookupKind, notFoundLineOf, parseResourceArgs, resolveKind } from './kinds.ts';

describe('kind aliases', () => {
  it.each([
    ['po', 'Pod'],
    ['pods', 'Pod'],
    ['Pod', 'Pod'],
    ['rc', 'ReplicationController'],
    ['replicationcontrollers', 'ReplicationController'],
    ['deploy', 'Deployment'],
    ['deployments', 'Deployment'],
    ['deployment.apps', 'Deployment'],
    ['svc', 'Service'],
    ['services', 'Service'],
    ['ep', 'Endpoints'],
    ['endpoints', 'Endpoints'],
    ['no', 'Node'],
    ['nodes', 'Node'],
    ['ns', 'Namespace'],
    ['ev', 'Event'],
    ['pvc', 'PersistentVolumeClaim'],
    ['PersistentVolumeClaims', 'PersistentVolumeClaim'],
    ['lease', 'Lease'],
    ['leases', 'Lease'],
    ['leases.coordination.k8s.io', 'Lease'],
  ])('reads %s as %s', (alias, kind) => {
    expect(lookupKind(alias)).toBe(kind);
  });

  it('refuses an unknown kind with one line naming it', () => {
    expect(() => resolveKind('widgets')).toThrow(CliError);
    expect(() => resolveKind('widgets')).toThrow(/unknown resource type "widgets"/);
  });
});

describe('resource arguments', () => {
  it('reads a kind with names', () => {
    expect(parseResourceArgs(['po', 'a', 'b'])).toEqual([
      { kind: 'Pod', name: 'a' },
      { kind: 'Pod', name: 'b' },
    ]);
  });

  it('reads comma-separated kinds and all', () => {
    expect(parseResourceArgs(['pods,svc'])).toEqual([{ kind: 'Pod' }, { kind: 'Service' }]);
    expect(parseResourceArgs(['all']).map((r) => r.kind)).toEqual([
      'Pod',
      'Service',
      'Deployment',
      'ReplicationController',
    ]);
  });

  it('reads KIND/NAME arguments', () => {
    expect(parseResourceArgs(['deploy/web', 'svc/web'])).toEqual([
      { kind: 'Deployment', name: 'web' },
      { kind: 'Service', name: 'web' },
    ]);
  });

  it('refuses names for several kinds, and no kind at all', () => {
    expect(() => parseResourceArgs(['pods,svc', 'web'])).toThrow(/one resource type/);
    expect(() => parseResourceArgs([])).toThrow(/specify the type of resource/);
    expect(() => parseResourceArgs(['pod/'])).toThrow(CliError);
  });
});

describe('notFoundLineOf', () => {
  it("turns the server's NOT_FOUND message about one object into kubectl's line", () => {
    expect(notFoundLineOf('Deployment default/web not found')).toBe(
      'Error from server (NotFound): deployments.apps "web" not found',
    );
    expect(notFoundLineOf('Node n1 not found')).toBe('Error from server (NotFound): nodes "n1" not found');
    expect(notFoundLineOf('Endpoints shop/api not found')).toBe(
      'Error from server (NotFound): endpoints "api" not found',
    );
  });

  it('leaves other messages, and kinds the CLI does not know, to the usual error line', () => {
    expect(notFoundLineOf('container not found ("nope")')).toBeUndefined();
    expect(notFoundLineOf('Widget default/x not found')).toBeUndefined();
    expect(notFoundLineOf('constructor x not found')).toBeUndefined();
    expect(notFoundLineOf('Pod default/web not found in node n1')).toBeUndefined();
  });
});
