#!/usr/bin/env node
/**
 * The build `bin/capstan.mjs` runs: src/ compiled by esbuild into dist/, so that no command transpiles TypeScript
 * when it starts. scripts/setup.sh runs it (and so do `npm start`, `npm test` and the test global setup); it builds
 * only when an input changed since the last build, a check of file times that takes a few milliseconds.
 *
 *   node scripts/build.mjs           build if stale, quiet when fresh
 *   node scripts/build.mjs --force   build anyway
 *
 * Two builds, both ES modules:
 *   dist/<id>/cli     the CLI: src/cli/main.ts with the client libraries it uses bundled in and split per command
 *                     (each verb's module is a dynamic import in main.ts), so `capstan get` parses the code of `get`
 *                     and the SDK, not the API server's, Docker's or Redis' clients.
 *   dist/<id>/server  what `capstan up`, `capstan server` and `capstan node` run (src/app/up.ts, src/app/run-node.ts);
 *                     node_modules stay external there, loaded by Node as they are (one copy of graphql for yoga
 *                     and Pothos, pino's transports found where they live).
 * A finished build is moved into place whole and `dist/current` switched to it in one rename, so a build running
 * beside `capstan` (npm start and npm test at once) never shows it half a build. The two builds before it stay,
 * for processes started from them that still load chunks lazily.
 */
import {
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
  readFileSync,
} from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const current = join(dist, 'current');
/** What a build depends on: the sources (tests excluded) and the installed packages. */
const inputs = ['src', 'package.json', 'package-lock.json', 'node_modules/.package-lock.json', 'scripts/build.mjs'];
/** Module files (relative to src) the CLI imports only to hand over to a server role, and their built names. */
const ROLES = { 'app/up.ts': 'up.js', 'app/run-node.ts': 'run-node.js' };

/** The newest modification time (ms) among the inputs; directories count, so an added or removed file does too. */
function newestInput() {
  let newest = 0;
  const visit = (path) => {
    let stat;
    try {
      stat = statSync(path);
    } catch {
      return;
    }
    newest = Math.max(newest, stat.mtimeMs);
    if (stat.isDirectory()) for (const entry of readdirSync(path)) visit(join(path, entry));
  };
  for (const input of inputs) visit(join(root, input));
  return newest;
}

/** The start time of the build dist/current points at, or 0 when there is none. */
function builtAt() {
  try {
    return JSON.parse(readFileSync(join(current, 'build.json'), 'utf8')).startedAt;
  } catch {
    return 0;
  }
}

/** True when dist/current is missing or older than one of its inputs. */
export function isStale() {
  return newestInput() >= builtAt();
}

/**
 * Rewrites `import.meta.url` in each source module to that module's own file URL: the code reads files next to its
 * source (the dashboard's page, the SDK's introspection, package.json), which a bundle in dist/ does not move.
 */
const sourceLocations = {
  name: 'source-import-meta-url',
  setup(build) {
    build.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return undefined;
      return {
        contents: text.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href)),
        loader: 'ts',
      };
    });
  },
};

/** In the CLI build, the server roles are the server build's entry points, imported from the chunk next to it. */
const rolesFromServerBuild = {
  name: 'roles-from-server-build',
  setup(build) {
    build.onResolve({ filter: /\.ts$/ }, (args) => {
      if (args.kind !== 'dynamic-import') return undefined;
      const target = relative(join(root, 'src'), join(args.resolveDir, args.path)).split('\\').join('/');
      const built = ROLES[target];
      return built ? { path: `../server/${built}`, external: true } : undefined;
    });
  },
};

const common = {
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  metafile: true,
  logLevel: 'warning',
  // CommonJS packages bundled into ES modules call require() for Node's built-ins.
  banner: {
    js: "import { createRequire as __capstanCreateRequire } from 'node:module'; const require = __capstanCreateRequire(import.meta.url);",
  },
};

/** Builds into a fresh directory, then points dist/current at it. Resolves with the build's directory. */
export async function build() {
  const { build: esbuild } = await import('esbuild');
  const startedAt = Date.now();
  const id = `build-${startedAt}-${process.pid}`;
  const out = join(dist, id);
  mkdirSync(out, { recursive: true });
  try {
    const [cli, server] = await Promise.all([
      esbuild({
        ...common,
        entryPoints: { main: join(root, 'src/cli/main.ts') },
        outdir: join(out, 'cli'),
        minify: true,
        plugins: [rolesFromServerBuild, sourceLocations],
      }),
      esbuild({
        ...common,
        entryPoints: Object.fromEntries(
          Object.entries(ROLES).map(([source, built]) => [built.replace(/\.js$/, ''), join(root, 'src', source)]),
        ),
        outdir: join(out, 'server'),
        packages: 'external',
        plugins: [sourceLocations],
      }),
    ]);
    writeFileSync(join(out, 'cli', 'meta.json'), JSON.stringify(cli.metafile));
    writeFileSync(join(out, 'server', 'meta.json'), JSON.stringify(server.metafile));
    writeFileSync(join(out, 'build.json'), JSON.stringify({ startedAt }));
    const link = join(dist, `.current-${process.pid}`);
    rmSync(link, { force: true });
    symlinkSync(id, link);
    renameSync(link, current);
  } catch (err) {
    rmSync(out, { recursive: true, force: true });
    throw err;
  }
  const builds = readdirSync(dist)
    .filter((name) => /^build-\d+-\d+$/.test(name))
    .sort((a, b) => Number(a.split('-')[1]) - Number(b.split('-')[1]));
  for (const old of builds.slice(0, -3)) rmSync(join(dist, old), { recursive: true, force: true });
  return out;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const force = process.argv.includes('--force');
  if (force || isStale()) {
    const started = performance.now();
    await build();
    console.log(`build: dist/current built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
}
