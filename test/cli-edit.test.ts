import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deployment, ObjectInput } from '../src/api/types.ts';
import { createToken } from '../src/auth/tokens.ts';
import { renderEditFile } from '../src/cli/edit-file.ts';
import { renderStructured } from '../src/cli/printers.ts';
import { KIND_API } from '../src/cli/resources.ts';
import { createCapstanClient } from '../src/sdk/index.ts';
import { startApiServer, type ApiServer } from '../src/server/http-server.ts';
import { ServiceAllocator } from '../src/services/allocator.ts';
import { createLogger } from '../src/util/logger.ts';
import { newService } from './support/fixtures.ts';
import { newTestStore } from './support/store.ts';

/**
 * `capstan edit` as a user runs it (`node bin/capstan.mjs edit ...`) against a real API server with a store on its
 * own Redis prefix. The "editor" is a node script (EDITOR="node editor.mjs", so the editor command is split into
 * arguments) that follows a plan, one step per time it is opened, and logs what it was shown.
 */

const BIN = fileURLToPath(new URL('../bin/capstan.mjs', import.meta.url));

type TestStore = Awaited<ReturnType<typeof newTestStore>>;
let store: TestStore;
let api: ApiServer;
let token: string;
let dir: string;

/** What the editor does when opened: edit the file by regex replacements (first match each), or fail. */
interface EditorStep {
  replace?: [pattern: string, replacement: string][];
  /** A GraphQL request the editor sends before saving: someone else changing the object meanwhile. */
  graphql?: string;
  empty?: boolean;
  exit?: number;
}

const EDITOR_SCRIPT = `
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
const file = process.argv[process.argv.length - 1];
const plan = JSON.parse(readFileSync(process.env.EDIT_PLAN, 'utf8'));
const log = process.env.EDIT_PLAN + '.seen.json';
const seen = existsSync(log) ? JSON.parse(readFileSync(log, 'utf8')) : [];
const step = plan[seen.length] ?? {};
let text = readFileSync(file, 'utf8');
writeFileSync(log, JSON.stringify([...seen, text]));
if (step.graphql) {
  const res = await fetch(process.env.CAPSTAN_SERVER + '/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer ' + process.env.CAPSTAN_TOKEN },
    body: JSON.stringify({ query: step.graphql }),
  });
  const body = await res.json();
  if (body.errors) { console.error(JSON.stringify(body.errors)); process.exit(9); }
}
for (const [pattern, replacement] of step.replace ?? []) text = text.replace(new RegExp(pattern, 'm'), replacement);
if (step.empty) text = '';
writeFileSync(file, text);
process.exit(step.exit ?? 0);
`;

interface EditRun {
  code: number;
  stdout: string;
  stderr: string;
  /** The file's text each time the editor opened it. */
  seen: string[];
  /** Edit files the run left in the temp directory. */
  leftovers: string[];
}

let runs = 0;

/** The CLI's edit files in the temp directory (shared by every run, so that tsx's cache there stays warm). */
async function editFiles(): Promise<string[]> {
  return (await readdir(join(dir, 'tmp'))).filter((f) => f.startsWith('capstan-edit-'));
}

/** Runs `capstan edit ...args` with the editor following `plan`; `editor` replaces the default EDITOR. */
async function edit(args: string[], plan: EditorStep[], editor?: string): Promise<EditRun> {
  const run = join(dir, `run-${++runs}`);
  await mkdir(run);
  const before = await editFiles();
  const planFile = join(run, 'plan.json');
  await writeFile(planFile, JSON.stringify(plan));
  const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [BIN, 'edit', ...args],
      {
        env: {
          ...process.env,
          CAPSTAN_CONFIG: join(dir, 'config'),
          CAPSTAN_SERVER: api.url,
          CAPSTAN_TOKEN: token,
          CAPSTAN_EDITOR: '',
          KUBE_EDITOR: '',
          EDITOR: editor ?? `${process.execPath} ${join(dir, 'editor.mjs')}`,
          EDIT_PLAN: planFile,
          TMPDIR: join(dir, 'tmp'),
        },
        timeout: 30_000,
      },
      (err, out, errOut) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout: out, stderr: errOut }),
    );
  });
  const seenFile = `${planFile}.seen.json`;
  const seen = JSON.parse(await readFile(seenFile, 'utf8').catch(() => '[]')) as string[];
  const leftovers = (await editFiles()).filter((f) => !before.includes(f));
  return { code, stdout, stderr, seen, leftovers };
}

/** The copy the CLI says it kept, read back. */
async function storedCopy(run: EditRun): Promise<string> {
  const match = /A copy of your changes has been stored to "([^"]+)"/.exec(run.stderr);
  expect(match, run.stderr).not.toBeNull();
  expect(run.leftovers.map((f) => join(dir, 'tmp', f))).toEqual([match![1]]);
  return readFile(match![1]!, 'utf8');
}

function newDeployment(name: string, replicas = 2): ObjectInput<Deployment> {
  const labels = { app: name };
  return {
    kind: 'Deployment',
    metadata: { name, namespace: 'default', labels },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'web', image: 'capstan/hello' }] } },
    },
  } as ObjectInput<Deployment>;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'capstan-cli-edit-test-'));
  await writeFile(join(dir, 'editor.mjs'), EDITOR_SCRIPT);
  await mkdir(join(dir, 'tmp'));
  const allocator = new ServiceAllocator();
  store = await newTestStore({ admission: [allocator] });
  allocator.attach(store);
  api = await startApiServer({ store, port: 0, logger: createLogger({ level: 'silent' }) });
  token = (await createToken(store, { role: 'admin', description: 'cli edit test' })).token;
});

afterAll(async () => {
  await api?.close();
  await store?.dispose();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('capstan edit', () => {
  it('opens the object as get -o yaml prints it, and saves a changed replica count and a new label', async () => {
    await store.create('Deployment', newDeployment('web'));
    const client = createCapstanClient({ url: api.url, token });
    const fetched = await KIND_API.Deployment.get(client, 'default', 'web');
    await client.close();

    const run = await edit(
      ['deploy', 'web'],
      [
        {
          replace: [
            ['^  replicas: 2$', '  replicas: 3'],
            ['^  labels:\\n', '  labels:\n    tier: front\n'],
          ],
        },
      ],
    );

    expect(run).toMatchObject({ code: 0, stdout: 'deployment.apps/web edited\n', stderr: '' });
    expect(run.seen).toEqual([renderEditFile(`${await renderStructured([fetched!], 'yaml', false)}\n`)]);
    const saved = await store.get('Deployment', 'default', 'web');
    expect(saved.spec?.replicas).toBe(3);
    expect(saved.metadata.labels).toEqual({ app: 'web', tier: 'front' });
    expect(run.leftovers).toEqual([]);
  });

  it('cancels when the file is saved unchanged or empty, writing nothing', async () => {
    const before = await store.create('Deployment', newDeployment('same'));

    const unchanged = await edit(['deployment/same'], [{ replace: [['^# Please', '# my note\n# Please']] }]);
    expect(unchanged).toMatchObject({ code: 0, stdout: '', stderr: 'Edit cancelled, no changes made.\n' });
    const empty = await edit(['deployment/same'], [{ empty: true }]);
    expect(empty).toMatchObject({ code: 0, stdout: '', stderr: 'Edit cancelled, saved file was empty.\n' });

    expect((await store.get('Deployment', 'default', 'same')).metadata.resourceVersion).toBe(
      before.metadata.resourceVersion,
    );
    expect([...unchanged.leftovers, ...empty.leftovers]).toEqual([]);
  });

  it('refuses to save over a change made meanwhile, and keeps the edited copy', async () => {
    await store.create('Deployment', newDeployment('raced'));
    const scale =
      'mutation { scale(kind: Deployment, namespace: "default", name: "raced", replicas: 5) { __typename } }';

    const run = await edit(['deploy/raced'], [{ graphql: scale, replace: [['^  replicas: 2$', '  replicas: 3']] }]);

    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^error: deployment\.apps "raced" could not be updated: .*resourceVersion/m);
    expect(await storedCopy(run)).toContain('\n  replicas: 3\n');
    expect((await store.get('Deployment', 'default', 'raced')).spec?.replicas).toBe(5);
  });

  it('reopens an invalid edit with the errors at the top, and saves the fixed one', async () => {
    await store.create('Deployment', newDeployment('fixed'));

    const run = await edit(
      ['deploy', 'fixed'],
      [{ replace: [['^  replicas: 2$', '  replicas: -1']] }, { replace: [['^  replicas: -1$', '  replicas: 4']] }],
    );

    expect(run.code).toBe(0);
    expect(run.stdout).toBe('deployment.apps/fixed edited\n');
    expect(run.stderr).toMatch(/^error: deployment\.apps "fixed" is invalid: spec\.replicas: /);
    expect(run.seen).toHaveLength(2);
    const reopened = run.seen[1]!.split('\n');
    expect(reopened.slice(0, 6)).toEqual([
      "# Please edit the object below. Lines beginning with a '#' will be ignored,",
      '# and an empty file will abort the edit. If an error occurs while saving this file will be',
      '# reopened with the relevant failures.',
      '#',
      '# deployment.apps "fixed" was not valid:',
      expect.stringMatching(/^# \* spec\.replicas: /),
    ]);
    expect(run.seen[1]).toContain('\n  replicas: -1\n');
    expect((await store.get('Deployment', 'default', 'fixed')).spec?.replicas).toBe(4);
  });

  it('gives up when an invalid edit is saved again unchanged, keeping the copy', async () => {
    await store.create('Deployment', newDeployment('stuck'));

    const run = await edit(['deploy', 'stuck'], [{ replace: [['^  replicas: 2$', '  replicas: -1']] }, {}]);

    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/error: deployment\.apps "stuck" is invalid: spec\.replicas: /);
    expect(run.stderr).toMatch(/\nerror: Edit cancelled, no valid changes were saved\.\n$/);
    expect(await storedCopy(run)).toContain('\n  replicas: -1\n');
    expect((await store.get('Deployment', 'default', 'stuck')).spec?.replicas).toBe(2);
  });

  it('refuses a renamed object', async () => {
    await store.create('Deployment', newDeployment('named'));

    const run = await edit(['deploy', 'named'], [{ replace: [['^  name: named$', '  name: renamed']] }]);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('the name of the object cannot be changed (from "named" to "renamed")');
    expect(await storedCopy(run)).toContain('name: renamed');
    expect(await store.tryGet('Deployment', 'default', 'renamed')).toBeUndefined();
  });

  it('edits a service by KIND/NAME and a cluster-scoped namespace with a quoted editor; deleted labels go', async () => {
    await store.create('Service', { ...newService('front'), metadata: { name: 'front', labels: { app: 'front' } } });
    await store.create('Namespace', { kind: 'Namespace', metadata: { name: 'edit-ns', labels: { team: 'a' } } });

    const svc = await edit(['svc/front'], [{ replace: [['^  labels:\\n    app: front\\n', '']] }]);
    // Quotes in the editor command: run through sh.
    const quoted = `"${process.execPath}" '${join(dir, 'editor.mjs')}'`;
    const ns = await edit(['ns', 'edit-ns'], [{ replace: [['team: a$', 'team: b']] }], quoted);

    expect(svc).toMatchObject({ code: 0, stdout: 'service/front edited\n' });
    expect(ns).toMatchObject({ code: 0, stdout: 'namespace/edit-ns edited\n' });
    expect((await store.get('Service', 'default', 'front')).metadata.labels ?? {}).toEqual({});
    expect((await store.get('Namespace', undefined, 'edit-ns')).metadata.labels).toMatchObject({ team: 'b' });
  });

  it('says when the editor fails, and changes nothing', async () => {
    const before = await store.create('Deployment', newDeployment('crash'));

    const run = await edit(['deploy', 'crash'], [{ replace: [['^  replicas: 2$', '  replicas: 3']], exit: 3 }]);

    expect(run.code).toBe(1);
    expect(run.leftovers).toEqual([]);
    expect(run.stderr).toMatch(/^error: there was a problem with the editor ".*editor\.mjs": exited with code 3\n$/);
    expect((await store.get('Deployment', 'default', 'crash')).metadata.resourceVersion).toBe(
      before.metadata.resourceVersion,
    );
  });
});
