import { afterEach, describe, expect, it } from 'vitest';
import type { EventRecorder } from '../events/event-recorder.ts';
import { MemoryStore } from '../store/memory-store.ts';
import type { Logger } from '../util/logger.ts';
import { SharedInformers, type ControllerContext } from './controller-context.ts';
import { QueueController } from './queue-controller.ts';
import type { ReconcileResult } from './work-queue.ts';

/** A controller over ConfigMaps that notes each key it reconciles and fails the keys it is told to. */
class RecordingController extends QueueController {
  readonly name = 'recording';
  readonly reconciled: string[] = [];
  readonly failing = new Set<string>();

  constructor(ctx: ControllerContext) {
    super(ctx, { workers: 2, queue: { baseDelayMs: 5, maxDelayMs: 20 }, keyField: 'configMap' });
    this.enqueueChanges('ConfigMap', ['add', 'delete']);
  }

  protected async reconcile(key: string): Promise<ReconcileResult> {
    this.reconciled.push(key);
    if (this.failing.has(key)) throw new Error(`cannot ${key}`);
  }
}

const warnings: { fields: Record<string, unknown>; message: string }[] = [];
const logger = {
  warn: (fields: Record<string, unknown>, message: string) => warnings.push({ fields, message }),
} as unknown as Logger;

async function until(what: string, fn: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!fn()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const running: { informers: SharedInformers; controller: QueueController; done: Promise<void> }[] = [];
afterEach(async () => {
  for (const { informers, controller, done } of running.splice(0)) {
    controller.stop();
    await done;
    await informers.stop();
  }
  warnings.length = 0;
});

function start(store: MemoryStore): RecordingController {
  const informers = new SharedInformers(store);
  const controller = new RecordingController({ store, informers, events: {} as EventRecorder, logger });
  informers.start();
  running.push({ informers, controller, done: controller.run() });
  return controller;
}

const configMap = (name: string) => ({ kind: 'ConfigMap' as const, metadata: { name, namespace: 'default' } });

describe('QueueController', () => {
  it('reconciles the namespace/name key of the objects its handlers saw, only for the events asked for', async () => {
    const store = new MemoryStore();
    await store.create('ConfigMap', configMap('before'));
    const controller = start(store);
    await until('the listed object', () => controller.reconciled.includes('default/before'));
    const created = await store.create('ConfigMap', configMap('after'));
    await until('the added object', () => controller.reconciled.includes('default/after'));
    await store.update('ConfigMap', { ...created, data: { k: 'v' } });
    // Keys come out in the order they were added: once the marker is reconciled, an update's key would have been.
    await store.create('ConfigMap', configMap('marker'));
    await until('the marker', () => controller.reconciled.includes('default/marker'));
    expect(controller.reconciled.filter((k) => k === 'default/after')).toHaveLength(1);
    await store.delete('ConfigMap', 'default', 'after');
    await until('the deleted object', () => controller.reconciled.filter((k) => k === 'default/after').length === 2);
  });

  it('logs a failed reconcile with its key and retries it with back-off until it passes', async () => {
    const store = new MemoryStore();
    const controller = start(store);
    controller.failing.add('default/bad');
    await store.create('ConfigMap', configMap('bad'));
    await until('three tries', () => controller.reconciled.filter((k) => k === 'default/bad').length >= 3);
    controller.failing.delete('default/bad');
    const tries = () => controller.reconciled.filter((k) => k === 'default/bad').length;
    const settled = tries() + 1;
    await until('a passing try', () => tries() >= settled);
    expect(warnings[0]).toEqual({
      fields: { err: 'cannot default/bad', configMap: 'default/bad' },
      message: 'sync failed',
    });
  });
});
