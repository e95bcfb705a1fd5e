#!/usr/bin/env node
// The capstan binary: runs the build of src/ in dist/current (scripts/build.mjs; scripts/setup.sh, `npm start` and
// `npm test` rebuild it when a source changed). Without a build, it makes one first, once.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/current/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('capstan: no build in dist/current yet; building it (node scripts/build.mjs) ...\n');
  const { build } = await import('../scripts/build.mjs');
  await build();
}
const { main } = await import(entry.href);
await main(process.argv);
