import { describe, expect, it } from 'vitest';
import { UnschedulablePods } from './scheduling-queue.ts';
import { newNode, newPod } from './test-fixtures.ts';

const SELECTOR_MISS = "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector.";
const NO_CPU = '0/1 nodes are available: 1 Insufficient cpu.';

function aside(options: ConstructorParameters<typeof UnschedulablePods>[0] = {}) {
  return new UnschedulablePods({ initialBackoffMs: 1000, maxBackoffMs: 10_000, maxAsideMs: 300_000, ...options });
}

describe('UnschedulablePods', () => {
  it('releases a pod when a node it could fit appears, and leaves the others aside', () => {
    const pods = aside();
    pods.add('ns/ssd', newPod({ nodeSelector: { disk: 'ssd' } }), SELECTOR_MISS, 0);
    pods.add('ns/gpu', newPod({ nodeSelector: { gpu: 'yes' } }), SELECTOR_MISS, 0);
    const released = pods.onEvent({ type: 'NodeChanged', node: newNode({ labels: { disk: 'ssd' } }) }, 5000);
    expect(released).toEqual([{ key: 'ns/ssd', delayMs: 0 }]);
    expect(pods.has('ns/gpu')).toBe(true);
    expect(pods.size).toBe(1);
  });

  it('keeps pods aside on nodes that are not Ready, cordoned or tainted against them', () => {
    const pods = aside();
    pods.add('ns/a', newPod(), '0/0', 0);
    const events = [
      newNode({ ready: 'False' }),
      newNode({ unschedulable: true }),
      newNode({ taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }),
      newNode({ cpu: '100m' }),
    ];
    for (const node of events) {
      const pod = newPod({ requests: { cpu: '200m' } });
      pods.add('ns/a', pod, NO_CPU, 0);
      expect(pods.onEvent({ type: 'NodeChanged', node }, 5000)).toEqual([]);
    }
    expect(pods.has('ns/a')).toBe(true);
  });

  it('releases on a bound pod leaving only the pods that wait on resources', () => {
    const pods = aside();
    pods.add('ns/big', newPod({ requests: { cpu: '3' } }), NO_CPU, 0);
    pods.add('ns/picky', newPod({ nodeSelector: { zone: 'moon' } }), SELECTOR_MISS, 0);
    const released = pods.onEvent({ type: 'AssignedPodGone', nodeName: 'n1' }, 2000);
    expect(released.map((r) => r.key)).toEqual(['ns/big']);
    expect(pods.has('ns/picky')).toBe(true);
  });

  it('doubles the back-off per attempt up to the ceiling, and a released pod waits out the rest', () => {
    const pods = aside();
    const pod = newPod({ nodeSelector: { disk: 'ssd' } });
    const ssd = newNode({ labels: { disk: 'ssd' } });
    const backoffs: number[] = [];
    for (let attempt = 0; attempt < 6; attempt++) {
      pods.add('ns/p', pod, SELECTOR_MISS, 0);
      backoffs.push(pods.backoffMs('ns/p'));
    }
    expect(backoffs).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000]);
    expect(pods.onEvent({ type: 'NodeChanged', node: ssd }, 2500)).toEqual([{ key: 'ns/p', delayMs: 7500 }]);
  });

  it('starts the back-off over once the pod is forgotten (scheduled or deleted)', () => {
    const pods = aside();
    const pod = newPod();
    pods.add('ns/p', pod, NO_CPU, 0);
    pods.add('ns/p', pod, NO_CPU, 0);
    expect(pods.backoffMs('ns/p')).toBe(2000);
    pods.forget('ns/p');
    expect(pods.has('ns/p')).toBe(false);
    pods.add('ns/p', pod, NO_CPU, 0);
    expect(pods.backoffMs('ns/p')).toBe(1000);
  });

  it('flushes pods aside for the maximum time, oldest first, and only those', () => {
    const pods = aside({ maxAsideMs: 60_000 });
    pods.add('ns/old', newPod(), SELECTOR_MISS, 0);
    pods.add('ns/young', newPod(), SELECTOR_MISS, 50_000);
    expect(pods.flushOld(59_999)).toEqual([]);
    expect(pods.flushOld(60_000)).toEqual([{ key: 'ns/old', delayMs: 0 }]);
    expect(pods.flushOld(110_000)).toEqual([{ key: 'ns/young', delayMs: 0 }]);
    expect(pods.size).toBe(0);
  });

  it('releases every pod of a shape together, and only pods of shapes the event helps', () => {
    const pods = aside();
    for (let i = 0; i < 3000; i++) {
      pods.add(`ns/moon-${i}`, newPod({ nodeSelector: { zone: 'moon' } }), SELECTOR_MISS, 0);
      pods.add(`ns/mars-${i}`, newPod({ nodeSelector: { zone: 'mars' } }), SELECTOR_MISS, 0);
    }
    expect(pods.onEvent({ type: 'NodeChanged', node: newNode({ labels: { zone: 'earth' } }) }, 1)).toEqual([]);
    const released = pods.onEvent({ type: 'NodeChanged', node: newNode({ labels: { zone: 'moon' } }) }, 20_000);
    expect(released).toHaveLength(3000);
    expect(released.every((r) => r.key.startsWith('ns/moon-') && r.delayMs === 0)).toBe(true);
    expect(pods.size).toBe(3000);
  });
});
