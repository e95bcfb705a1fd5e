// `node --import ./test/support/module-log.mjs ...`: logs every module the process resolves (see module-log-hooks.mjs).
import { register } from 'node:module';

register('./module-log-hooks.mjs', import.meta.url);
