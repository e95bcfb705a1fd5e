import { describe, expect, it } from 'vitest';
import { conditionMet, parseWaitFor } from './wait-for.ts';

const pod = (ready: string, phase = 'Running') => ({
  kind: 'Pod',
  metadata: { name: 'web' },
  status: { phase, conditions: [{ type: 'Ready', status: ready }] },
});

describe('parseWaitFor and conditionMet', () => {
  it('waits for a condition to be True by default, or to a given value, matching case as kubectl does', () => {
    const ready = parseWaitFor('condition=Ready');
    expect(ready).toEqual({ type: 'condition', condition: 'Ready', value: 'True' });
    if (ready.type !== 'condition') throw new Error('a condition');
    expect(conditionMet(ready, pod('True'))).toBe(true);
    expect(conditionMet(ready, pod('False'))).toBe(false);
    expect(conditionMet(parseWaitFor('condition=ready') as typeof ready, pod('True'))).toBe(true);
    expect(conditionMet(parseWaitFor('condition=Ready=false') as typeof ready, pod('False'))).toBe(true);
    expect(conditionMet(ready, { kind: 'Pod', metadata: { name: 'web' } })).toBe(false);
  });

  it('waits for a JSONPath to a value, or to be there at all', () => {
    const phase = parseWaitFor('jsonpath={.status.phase}=Succeeded');
    if (phase.type !== 'jsonpath') throw new Error('a jsonpath');
    expect(conditionMet(phase, pod('False', 'Succeeded'))).toBe(true);
    expect(conditionMet(phase, pod('True', 'Running'))).toBe(false);
    const there = parseWaitFor('jsonpath={.status.podIP}');
    if (there.type !== 'jsonpath') throw new Error('a jsonpath');
    expect(conditionMet(there, pod('True'))).toBe(false);
    expect(conditionMet(there, { status: { podIP: '10.0.0.3' } })).toBe(true);
  });

  it('takes delete, and refuses anything else with kubectl’s message', () => {
    expect(parseWaitFor('delete')).toEqual({ type: 'delete' });
    expect(() => parseWaitFor('ready')).toThrow('unrecognized condition: "ready"');
    expect(() => parseWaitFor('condition=')).toThrow('unrecognized condition: "condition="');
    expect(() => parseWaitFor('jsonpath={.status.phase}Running')).toThrow('unrecognized condition');
  });
});
