import { readFileSync } from 'node:fs';

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** This build's version as Capstan reports it everywhere (CLI, API, Node status): `capstan/<package version>`. */
export const CAPSTAN_VERSION = `capstan/${packageVersion()}`;
