import { describe, expect, it } from 'vitest';
import { capstanShapes } from '../sdk/object-shapes.ts';
import {
  EDIT_HEADER,
  editInput,
  editorArgv,
  editorCommand,
  hasContent,
  identityChanges,
  manualStrip,
  parseEdited,
  renderEditFile,
  sameContent,
  sameInput,
  stripComments,
} from './edit-file.ts';

const BODY = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
  labels:
    app: web
spec:
  replicas: 2
`;

function deployment(overrides: { labels?: Record<string, string>; replicas?: number; name?: string } = {}) {
  const labels = 'labels' in overrides ? overrides.labels : { app: 'web' };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: overrides.name ?? 'web', namespace: 'default', ...(labels ? { labels } : {}) },
    spec: {
      replicas: overrides.replicas ?? 2,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'hello' }] } },
    },
    status: { replicas: 2 },
  };
}

describe('the edit file', () => {
  it("starts with kubectl's header, then the object", () => {
    const text = renderEditFile(BODY);
    expect(text.split('\n').slice(0, 4)).toEqual(EDIT_HEADER);
    expect(text.startsWith("# Please edit the object below. Lines beginning with a '#' will be ignored,\n")).toBe(true);
    expect(text.endsWith(BODY)).toBe(true);
  });

  it('lists the reasons of a failed save as comments between the header and the object', () => {
    const text = renderEditFile(BODY, [
      { head: 'deployment.apps "web" was not valid', details: ['spec.replicas: must be >= 0', 'a\nb'] },
      { head: 'The edited file had a syntax error: bad\nindentation', details: [] },
    ]);
    expect(text.split('\n').slice(4, 11)).toEqual([
      '# deployment.apps "web" was not valid:',
      '# * spec.replicas: must be >= 0',
      '# * a',
      '# b',
      '#',
      '# The edited file had a syntax error: bad',
      '# indentation',
    ]);
    expect(manualStrip(text)).toBe(BODY);
  });

  it('strips comment lines but keeps #! lines and comments after values', () => {
    expect(manualStrip('# a\n  # b\n#!keep\nx: 1 # c\n')).toBe('#!keep\nx: 1 # c\n');
  });
});

describe('telling whether the file changed', () => {
  const original = renderEditFile(BODY);

  it('counts a file saved as it was as unchanged', () => {
    expect(sameContent(original, original)).toBe(true);
  });

  it('ignores comments, blank lines and YAML spelling that means the same', () => {
    const respelled = BODY.replace('replicas: 2', 'replicas: 2 # two').replace('app: web', "app: 'web'");
    expect(sameContent(original, `# my note\n\n${respelled}`)).toBe(true);
    expect(sameContent(original, manualStrip(original))).toBe(true);
  });

  it('sees a changed value', () => {
    expect(sameContent(original, original.replace('replicas: 2', 'replicas: 3'))).toBe(false);
  });

  it('compares text without comments when the YAML does not parse', () => {
    const broken = 'a: [1\n# note\n';
    expect(stripComments(broken)).toBe('a: [1\n');
    expect(sameContent(broken, 'a: [1\n')).toBe(true);
    expect(sameContent(broken, 'a: [2\n')).toBe(false);
  });

  it('treats a file of comments and blank lines as empty', () => {
    expect(hasContent(renderEditFile(''))).toBe(false);
    expect(hasContent('\n  \n# x\n')).toBe(false);
    expect(hasContent(original)).toBe(true);
  });
});

describe('parseEdited', () => {
  it('reads one YAML mapping', () => {
    expect(parseEdited(BODY)).toMatchObject({ kind: 'Deployment', spec: { replicas: 2 } });
  });

  it.each([['- a\n- b\n'], ['just text\n'], ['a: [1\n']])('refuses %j', (text) => {
    expect(() => parseEdited(text)).toThrow();
  });
});

describe('the editor command', () => {
  const path = '/tmp/capstan-edit-1.yaml';

  it('is CAPSTAN_EDITOR, then KUBE_EDITOR, then EDITOR, then vi', () => {
    expect(editorCommand({ CAPSTAN_EDITOR: 'a', KUBE_EDITOR: 'b', EDITOR: 'c' })).toBe('a');
    expect(editorCommand({ KUBE_EDITOR: 'b', EDITOR: 'c' })).toBe('b');
    expect(editorCommand({ CAPSTAN_EDITOR: '', KUBE_EDITOR: '  ', EDITOR: 'c' })).toBe('c');
    expect(editorCommand({})).toBe('vi');
  });

  it('opens the file as the last argument', () => {
    expect(editorArgv('vi', path)).toEqual(['vi', path]);
  });

  it('splits an editor with arguments at spaces', () => {
    expect(editorArgv('code  --wait -n', path)).toEqual(['code', '--wait', '-n', path]);
  });

  it('leaves quotes, escapes and expansions to sh, passing the path as $1', () => {
    expect(editorArgv('"/opt/my editor/bin/ed" -w', path)).toEqual([
      '/bin/sh',
      '-c',
      '"/opt/my editor/bin/ed" -w "$1"',
      'capstan-edit',
      path,
    ]);
    expect(editorArgv('$HOME/bin/ed', path)[0]).toBe('/bin/sh');
    expect(editorArgv('~/bin/ed', path)[0]).toBe('/bin/sh');
  });
});

describe('identityChanges', () => {
  it('allows edits that keep kind, apiVersion, name and namespace', () => {
    expect(identityChanges(deployment(), deployment({ replicas: 5 }))).toEqual([]);
  });

  it('allows leaving out apiVersion and namespace', () => {
    const edited = deployment();
    delete (edited as { apiVersion?: string }).apiVersion;
    delete (edited.metadata as { namespace?: string }).namespace;
    expect(identityChanges(deployment(), edited)).toEqual([]);
  });

  it('refuses a new name, kind or namespace, naming each', () => {
    expect(identityChanges(deployment(), deployment({ name: 'web2' }))).toEqual([
      'the name of the object cannot be changed (from "web" to "web2")',
    ]);
    const moved = { ...deployment(), kind: 'Service', metadata: { name: 'web', namespace: 'other' } };
    expect(identityChanges(deployment(), moved)).toEqual([
      'the kind of the object cannot be changed (from "Deployment" to "Service")',
      'the namespace of the object cannot be changed (from "default" to "other")',
    ]);
  });
});

describe('editInput', () => {
  const shapes = capstanShapes();

  it('is the manifest as an update input, without status', () => {
    const input = editInput(shapes, 'Deployment', deployment(), deployment({ replicas: 3 }));
    expect(input).toMatchObject({
      metadata: { name: 'web', namespace: 'default', labels: [{ key: 'app', value: 'web' }] },
      spec: { replicas: 3 },
    });
    expect(input).not.toHaveProperty('status');
  });

  it('sends deleted labels as an empty list, so that the update removes them', () => {
    const input = editInput(shapes, 'Deployment', deployment(), deployment({ labels: undefined }));
    expect((input.metadata as Record<string, unknown>).labels).toEqual([]);
  });

  it('sends a deleted top-level list as empty', () => {
    const endpoints = {
      kind: 'Endpoints',
      metadata: { name: 'web', namespace: 'default' },
      subsets: [{ addresses: [{ ip: '10.0.0.1' }] }],
    };
    const input = editInput(shapes, 'Endpoints', endpoints, { kind: 'Endpoints', metadata: { name: 'web' } });
    expect(input).toEqual({ metadata: { name: 'web', namespace: 'default' }, subsets: [] });
  });

  it('finds an edit of status alone to change nothing', () => {
    const original = deployment();
    const unchanged = editInput(shapes, 'Deployment', original, original);
    const statusOnly = { ...deployment(), status: { replicas: 7 } };
    expect(sameInput(unchanged, editInput(shapes, 'Deployment', original, statusOnly))).toBe(true);
    expect(sameInput(unchanged, editInput(shapes, 'Deployment', original, deployment({ replicas: 3 })))).toBe(false);
  });
});
