// Module customization hooks (node:module register) that append every module URL a process resolves to the file
// named by CAPSTAN_MODULE_LOG: test/cli-startup.test.ts reads which modules one CLI command loaded.
import { appendFileSync } from 'node:fs';

export async function resolve(specifier, context, nextResolve) {
  const result = await nextResolve(specifier, context);
  appendFileSync(process.env.CAPSTAN_MODULE_LOG, `${result.url}\n`);
  return result;
}
