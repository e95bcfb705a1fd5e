import { describe, expect, it } from 'vitest';
import { WatchedCollection, type WatchMessage } from './watched-collection.ts';

interface Thing {
  metadata: { name: string; namespace: string };
  value: number;
}

function thing(name: string, value = 0): Thing {
  return { metadata: { name, namespace: 'default' }, value };
}

function event(
  type: WatchMessage<Thing>['type'],
  object: Thing | null = null,
  resourceVersion = '1',
): WatchMessage<Thing> {
  return { type, object, resourceVersion };
}

function names(collection: WatchedCollection<Thing>): string[] {
  return collection
    .values()
    .map((t) => `${t.metadata.name}=${t.value}`)
    .sort();
}

describe('WatchedCollection', () => {
  it('shows a snapshot only once its BOOKMARK arrives', () => {
    const collection = new WatchedCollection<Thing>();
    expect(collection.apply(event('ADDED', thing('a')))).toBe(false);
    expect(collection.apply(event('ADDED', thing('b')))).toBe(false);
    expect(collection.loaded).toBe(false);
    expect(collection.size).toBe(0);
    expect(collection.apply(event('BOOKMARK'))).toBe(true);
    expect(collection.loaded).toBe(true);
    expect(names(collection)).toEqual(['a=0', 'b=0']);
  });

  it('applies changes after the snapshot as they come', () => {
    const collection = new WatchedCollection<Thing>();
    collection.apply(event('ADDED', thing('a')));
    collection.apply(event('BOOKMARK'));
    expect(collection.apply(event('MODIFIED', thing('a', 1)))).toBe(true);
    expect(collection.apply(event('ADDED', thing('b')))).toBe(true);
    expect(collection.apply(event('DELETED', thing('a', 1)))).toBe(true);
    expect(names(collection)).toEqual(['b=0']);
  });

  it('keeps the old objects through a RESYNC and replaces them whole at the fresh snapshot', () => {
    const collection = new WatchedCollection<Thing>();
    collection.apply(event('ADDED', thing('gone')));
    collection.apply(event('ADDED', thing('kept')));
    collection.apply(event('BOOKMARK'));
    expect(collection.apply(event('RESYNC'))).toBe(false);
    expect(collection.synced).toBe(false);
    collection.apply(event('ADDED', thing('kept', 2)));
    collection.apply(event('ADDED', thing('new')));
    expect(names(collection)).toEqual(['gone=0', 'kept=0']);
    expect(collection.apply(event('BOOKMARK'))).toBe(true);
    expect(collection.synced).toBe(true);
    expect(names(collection)).toEqual(['kept=2', 'new=0']);
  });

  it('starts a snapshot over when the watch is reopened, dropping objects deleted while disconnected', () => {
    const collection = new WatchedCollection<Thing>();
    collection.apply(event('ADDED', thing('a')));
    collection.apply(event('ADDED', thing('b')));
    collection.apply(event('BOOKMARK'));
    collection.restart();
    collection.apply(event('ADDED', thing('a')));
    collection.restart();
    collection.apply(event('ADDED', thing('b')));
    collection.apply(event('BOOKMARK'));
    expect(names(collection)).toEqual(['b=0']);
  });

  it('ignores events without an object', () => {
    const collection = new WatchedCollection<Thing>();
    collection.apply(event('BOOKMARK'));
    expect(collection.apply({ type: 'ADDED', object: {}, resourceVersion: '2' })).toBe(false);
    expect(collection.size).toBe(0);
  });
});
