import { describe, expect, it } from 'vitest';
import { changeVerb, parseImageArgs, parseMetadataArgs } from './change-args.ts';

describe('parseMetadataArgs', () => {
  it('sorts resources, KEY=VALUE and KEY- like kubectl label', () => {
    expect(parseMetadataArgs(['pods', 'web-1', 'web-2', 'tier=front', 'canary-', 'empty='], 'label')).toEqual({
      resources: ['pods', 'web-1', 'web-2'],
      set: { tier: 'front', empty: '' },
      remove: ['canary'],
    });
  });

  it('keeps everything after the first = as the value, so annotations may hold = and a trailing -', () => {
    expect(parseMetadataArgs(['deploy/web', 'note=a=b-', 'example.com/owner=team-'], 'annotation')).toEqual({
      resources: ['deploy/web'],
      set: { note: 'a=b-', 'example.com/owner': 'team-' },
      remove: [],
    });
  });

  it.each([
    [['pod/web', 'tier=a', 'tier-'], /can not both modify and remove label "tier"/],
    [['pod/web'], /at least one label update is required/],
    [['pod/web', '=x'], /invalid label spec "=x": the key is empty/],
    [['pod/web', '-'], /invalid label spec "-"/],
    [['pod/web', 'a=1', 'a=2'], /label "a" is given twice with different values/],
  ])('refuses %j', (args, message) => {
    expect(() => parseMetadataArgs(args, 'label')).toThrow(message);
  });
});

describe('parseImageArgs', () => {
  it('reads CONTAINER=IMAGE pairs, * for every container, and resource arguments in either form', () => {
    expect(parseImageArgs(['deployment/web', 'web=capstan/hello:2', '*=capstan/hello:latest'])).toEqual({
      resources: ['deployment/web'],
      images: [
        { container: 'web', image: 'capstan/hello:2' },
        { container: '*', image: 'capstan/hello:latest' },
      ],
    });
    expect(parseImageArgs(['rc', 'backend', 'app=127.0.0.1:5000/app:1']).resources).toEqual(['rc', 'backend']);
  });

  it.each([
    [['deploy/web'], /at least one image update is required/],
    [['deploy/web', 'web='], /invalid image update "web="/],
    [['deploy/web', '=img'], /invalid image update "=img"/],
  ])('refuses %j', (args, message) => {
    expect(() => parseImageArgs(args)).toThrow(message);
  });
});

describe('changeVerb', () => {
  it('says labeled, unlabeled or not labeled, and annotated or not annotated', () => {
    expect(changeVerb('label', true, false)).toBe('labeled');
    expect(changeVerb('label', true, true)).toBe('unlabeled');
    expect(changeVerb('label', false, false)).toBe('not labeled');
    expect(changeVerb('annotate', true, true)).toBe('annotated');
    expect(changeVerb('annotate', false, true)).toBe('not annotated');
  });
});
