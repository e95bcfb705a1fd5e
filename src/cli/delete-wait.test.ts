import { describe, expect, it } from 'vitest';
import { graceMessage, pluralRef } from './delete-wait.ts';

describe('graceMessage', () => {
  const grace = { endsAt: 10_000, seconds: 5 };

  it('counts the grace period down, or only names it off a terminal', () => {
    expect(graceMessage('web', grace, 5_000)).toBe('pod "web": terminating, 5s of its 5s grace period left');
    expect(graceMessage('web', grace, 7_600)).toBe('pod "web": terminating, 3s of its 5s grace period left');
    expect(graceMessage('web', grace, 7_600, false)).toBe('pod "web": terminating, grace period 5s');
  });

  it('says when the grace period is over and the pod still there', () => {
    expect(graceMessage('web', grace, 10_000)).toBe('pod "web": grace period over, waiting for its node to remove it');
  });

  it('never shows more left than the grace period (a server clock ahead of ours)', () => {
    expect(graceMessage('web', grace, 0)).toBe('pod "web": terminating, 5s of its 5s grace period left');
  });
});

describe('pluralRef', () => {
  it('names objects as kubectl does in a wait that timed out', () => {
    expect(pluralRef('Pod', 'web')).toBe('pods/web');
    expect(pluralRef('Deployment', 'web')).toBe('deployments/web');
    expect(pluralRef('Endpoints', 'web')).toBe('endpoints/web');
  });
});
