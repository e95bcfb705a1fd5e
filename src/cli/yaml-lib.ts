/**
 * The YAML library, for the commands that read or print YAML to import on use (`await import('./yaml-lib.ts')`):
 * most commands print tables, and the library costs a short command a good part of its start-up. Re-exported from
 * a module of ours because a bundled CommonJS package imported dynamically loses its named exports.
 */
export { parse, stringify } from 'yaml';
