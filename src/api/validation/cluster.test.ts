import { describe, expect, it } from 'vitest';
import type { Event, Kind, TokenSpec } from '../types.ts';
import { validateObject } from '../validation.ts';
import {
  expectOnly,
  expectViolation,
  newEvent,
  newLease,
  newNamespace,
  newNode,
  newPvc,
  newToken,
} from './test-fixtures.ts';

describe('Namespace', () => {
  it('checks spec finalizers as qualified names', () => {
    const ns = newNamespace();
    ns.spec = { finalizers: ['kubernetes', 'not valid!'] };
    expectOnly(validateObject(ns), 'spec.finalizers[1]', 'Invalid value: "not valid!"');
  });
});

describe('Node', () => {
  it('checks taints', () => {
    const node = newNode();
    node.spec = {
      taints: [
        { key: 'gpu', value: 'yes', effect: 'NoSchedule' },
        { key: 'gpu', effect: 'NoExecute' },
      ],
    };
    expect(validateObject(node)).toEqual([]);
    node.spec.taints = [{ key: '', effect: 'Evict' as 'NoSchedule' }];
    const violations = validateObject(node);
    expectViolation(violations, 'spec.taints[0].key', 'Required value');
    expectViolation(
      violations,
      'spec.taints[0].effect',
      'supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"',
    );
  });

  it('rejects a taint key and effect pair given twice', () => {
    const node = newNode();
    node.spec = {
      taints: [
        { key: 'gpu', effect: 'NoSchedule' },
        { key: 'gpu', value: 'x', effect: 'NoSchedule' },
      ],
    };
    expectOnly(validateObject(node), 'spec.taints[1]', 'taints must be unique by key and effect pair');
  });

  it('checks taint key syntax and the pod CIDR', () => {
    const node = newNode();
    node.spec = { taints: [{ key: 'a/b/c', effect: 'NoSchedule' }] };
    expectOnly(validateObject(node), 'spec.taints[0].key', 'Invalid value: "a/b/c"');
    node.spec = { podCIDR: '10.244.1.0/33' };
    expectOnly(validateObject(node), 'spec.podCIDR', 'must be a valid IPv4 CIDR value');
    node.spec = { podCIDR: '10.244.1.0/24' };
    expect(validateObject(node)).toEqual([]);
  });
});

describe('Event', () => {
  it('requires the involved object kind and name, and a reason', () => {
    const event = newEvent();
    event.involvedObject = { kind: '' as Kind, name: '' };
    event.reason = '';
    const violations = validateObject(event);
    expectViolation(violations, 'involvedObject.kind', 'Required value');
    expectViolation(violations, 'involvedObject.name', 'Required value');
    expectViolation(violations, 'reason', 'Required value');
    expect(violations).toHaveLength(3);
  });

  it('checks the type and the namespace of the involved object', () => {
    const event = newEvent();
    event.type = 'Error' as Event['type'];
    expectOnly(validateObject(event), 'type', 'supported values: "Normal", "Warning"');
    const elsewhere = newEvent();
    elsewhere.involvedObject.namespace = 'other';
    expectOnly(validateObject(elsewhere), 'involvedObject.namespace', 'does not match event.namespace');
    const aboutNode = newEvent();
    aboutNode.involvedObject = { kind: 'Node', name: 'node-1', namespace: '' };
    expect(validateObject(aboutNode)).toEqual([]);
  });

  it('reads firstTimestamp and lastTimestamp as RFC 3339 timestamps (a node writes Events)', () => {
    const event = newEvent();
    event.firstTimestamp = '2026-12-07T05:00:00Z';
    event.lastTimestamp = '2026-12-07T05:00:05.5+00:00';
    expect(validateObject(event)).toEqual([]);
    const future = newEvent();
    future.lastTimestamp = '9999-99-99T00:00:00Z';
    expectOnly(validateObject(future), 'lastTimestamp', 'must be an RFC 3339 timestamp');
    const first = newEvent();
    first.firstTimestamp = 'Mon Dec 7 2026';
    expectOnly(validateObject(first), 'firstTimestamp', 'must be an RFC 3339 timestamp');
  });
});

describe('PersistentVolumeClaim', () => {
  it('requires access modes from the known set', () => {
    const pvc = newPvc();
    pvc.spec!.accessModes = [];
    expectOnly(validateObject(pvc), 'spec.accessModes', 'at least 1 access mode is required');
    pvc.spec!.accessModes = ['ReadWriteSometimes' as 'ReadWriteOnce'];
    expectOnly(validateObject(pvc), 'spec.accessModes[0]', 'Unsupported value: "ReadWriteSometimes"');
  });

  it('requires a positive storage request that parses', () => {
    const field = 'spec.resources.requests[storage]';
    const pvc = newPvc();
    pvc.spec!.resources = {};
    expectOnly(validateObject(pvc), field, 'Required value');
    pvc.spec!.resources = { requests: { storage: '1GB' } };
    expectOnly(validateObject(pvc), field, 'quantities must match the regular expression');
    pvc.spec!.resources = { requests: { storage: '0' } };
    expectOnly(validateObject(pvc), field, 'must be greater than zero');
  });

  it('lets an update only grow the request or bind the claim', () => {
    const old = newPvc();
    const grown = structuredClone(old);
    grown.spec!.resources = { requests: { storage: '2Gi' } };
    grown.spec!.volumeName = 'pv-data';
    expect(validateObject(grown, old)).toEqual([]);
    const shrunk = structuredClone(old);
    shrunk.spec!.resources = { requests: { storage: '512Mi' } };
    expectOnly(
      validateObject(shrunk, old),
      'spec.resources.requests[storage]',
      'field can not be less than previous value',
    );
    const remoded = structuredClone(old);
    remoded.spec!.accessModes = ['ReadWriteMany'];
    expectOnly(validateObject(remoded, old), 'spec', 'spec is immutable after creation except resources.requests');
    const rebound = structuredClone(grown);
    rebound.spec!.volumeName = 'pv-other';
    expectOnly(validateObject(rebound, grown), 'spec', 'spec is immutable after creation');
  });
});

describe('Lease', () => {
  it('requires a positive lease duration', () => {
    const lease = newLease();
    lease.spec!.leaseDurationSeconds = 0;
    expectOnly(validateObject(lease), 'spec.leaseDurationSeconds', 'must be greater than 0');
  });

  it('reads acquireTime and renewTime as RFC 3339 timestamps', () => {
    const lease = newLease();
    lease.spec!.acquireTime = '2026-12-07T03:30:42.616Z';
    lease.spec!.renewTime = '2026-12-07T04:31:05.123456+01:00';
    expect(validateObject(lease)).toEqual([]);
    const leapDay = newLease();
    leapDay.spec!.renewTime = '2028-02-29T23:59:59Z';
    expect(validateObject(leapDay)).toEqual([]);
    // Date.parse takes these four (as 2 March, 1 March, the next day, 1 May); Kubernetes' decoder refuses them.
    const rolledOver = ['2026-02-30T00:00:00Z', '2026-02-29T00:00:00Z', '2026-12-07T24:00:00Z', '2026-04-31T00:00:00Z'];
    for (const bad of ['yesterday', '2026-12-07', '2026-12-07 03:30:42Z', '2026-13-40T03:30:42Z', ...rolledOver]) {
      const renewed = newLease();
      renewed.spec!.renewTime = bad;
      expectOnly(validateObject(renewed), 'spec.renewTime', 'must be an RFC 3339 timestamp');
    }
    const acquired = newLease();
    acquired.spec!.acquireTime = 'soon';
    expectOnly(validateObject(acquired), 'spec.acquireTime', 'must be an RFC 3339 timestamp');
  });
});

describe('Token', () => {
  it('checks the role, the secret hash, the node name and the expiry', () => {
    const token = newToken();
    token.spec!.role = 'root' as TokenSpec['role'];
    expectOnly(validateObject(token), 'spec.role', 'supported values: "admin", "viewer", "bootstrap", "node"');
    const bare = newToken();
    bare.spec = { role: 'node', secretHash: '', nodeName: 'Node_1' };
    const violations = validateObject(bare);
    expectViolation(violations, 'spec.secretHash', 'Required value');
    expectViolation(violations, 'spec.nodeName', 'a lowercase RFC 1123 subdomain');
    expect(violations).toHaveLength(2);
    const expiring = newToken();
    expiring.spec!.expiresAt = '2026-12-08T05:00:00Z';
    expect(validateObject(expiring)).toEqual([]);
    // Date.parse reads the last two as times (a local 1 December, the year 2001): an expiry nobody meant.
    for (const bad of ['tomorrow', '12/01/2026', '1']) {
      const token = newToken();
      token.spec!.expiresAt = bad;
      expectOnly(validateObject(token), 'spec.expiresAt', 'must be an RFC 3339 timestamp');
    }
  });
});
