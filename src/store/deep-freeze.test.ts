import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { deepFreeze, SHARED_STRING_MAX_LENGTH, SHARED_STRINGS_MAX, shareString } from './watch-hub.ts';

describe('deepFreeze', () => {
  it('freezes objects and arrays all the way down and keeps every value', () => {
    const parsed = JSON.parse(
      '{"metadata":{"name":"web-1","labels":{"app":"web"}},"spec":{"containers":[{"name":"web","args":["-p","80"]}]},"n":3}',
    ) as Record<string, unknown>;
    const copy = structuredClone(parsed);
    const frozen = deepFreeze(parsed);
    expect(frozen).toBe(parsed);
    expect(frozen).toEqual(copy);
    const spec = frozen['spec'] as { containers: { args: string[] }[] };
    expect(Object.isFrozen(frozen)).toBe(true);
    expect(Object.isFrozen(spec.containers)).toBe(true);
    expect(Object.isFrozen(spec.containers[0]!.args)).toBe(true);
    expect(() => {
      'use strict';
      spec.containers[0]!.args[0] = '-q';
    }).toThrow(TypeError);
  });

  it('leaves the properties of class instances alone, and survives cycles', () => {
    class Box {
      constructor(readonly text: string) {}
    }
    const cyclic: Record<string, unknown> = { box: new Box('x'.repeat(40)), when: new Date(0) };
    cyclic['self'] = cyclic;
    deepFreeze(cyclic);
    expect(Object.isFrozen(cyclic)).toBe(true);
    expect((cyclic['box'] as Box).text).toBe('x'.repeat(40));
    expect((cyclic['when'] as Date).getTime()).toBe(0);
  });

  it('shares one instance per value within its bounds', () => {
    const a = shareString(['cond', 'ition-', 'shared'].join(''));
    expect(shareString('condition-shared')).toBe(a);
    const long = 'y'.repeat(SHARED_STRING_MAX_LENGTH + 1);
    expect(shareString(long)).toBe(long);
    // Past the bound the table starts over; values keep being answered.
    let wrong = 0;
    for (let i = 0; i < SHARED_STRINGS_MAX + 10; i++) if (shareString(`value-${i}`) !== `value-${i}`) wrong++;
    expect(wrong).toBe(0);
    expect(shareString('condition-shared')).toBe('condition-shared');
  });

  it('keeps one copy of a repeated value: 20,000 parsed objects take less than half the heap they took', async () => {
    // String identity cannot be observed from JavaScript; the heap can, in a process of its own with --expose-gc.
    const module = fileURLToPath(new URL('./watch-hub.ts', import.meta.url));
    const script = `
      const { deepFreeze } = await import(${JSON.stringify(module)});
      const freezeOnly = (v) => { if (v && typeof v === 'object' && !Object.isFrozen(v)) { Object.freeze(v); for (const c of Object.values(v)) freezeOnly(c); } return v; };
      const json = (i) => JSON.stringify({ name: 'pod-' + i, reason: 'ContainersNotReadyYetForAWhile', image: 'registry.example/team/app:1.2.3',
        component: 'capstan-node-agent-on-host', time: '2026-12-07T20:39:55.452Z' });
      const heapOf = (freeze) => {
        globalThis.gc();
        const before = process.memoryUsage().heapUsed;
        const kept = [];
        for (let i = 0; i < 20000; i++) kept.push(freeze(JSON.parse(json(i))));
        globalThis.gc();
        const used = process.memoryUsage().heapUsed - before;
        return kept.length > 0 ? used : 0;
      };
      heapOf(deepFreeze); // warm up: code, the table
      const unshared = heapOf(freezeOnly);
      const shared = heapOf(deepFreeze);
      process.stdout.write(JSON.stringify({ unshared, shared }));
    `;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', script],
      { timeout: 60_000 },
    );
    const { unshared, shared } = JSON.parse(stdout) as { unshared: number; shared: number };
    expect(unshared).toBeGreaterThan(20_000 * 150);
    expect(shared).toBeLessThan(unshared / 2);
  });
});
