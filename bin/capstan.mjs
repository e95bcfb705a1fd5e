#!/usr/bin/env node
// The capstan binary: runs the TypeScript sources through tsx so that `npx capstan` needs no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
await main(process.argv);
