import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** One file the dashboard serves. */
export interface DashboardAsset {
  body: string;
  contentType: string;
  /** A strong validator of the body, for If-None-Match. */
  etag: string;
}

export interface DashboardAssets {
  html: DashboardAsset;
  css: DashboardAsset;
  icon: DashboardAsset;
  script: DashboardAsset;
}

const PAGE = fileURLToPath(new URL('./page/index.html', import.meta.url));
const STYLE = fileURLToPath(new URL('./page/style.css', import.meta.url));
const ICON = fileURLToPath(new URL('./page/icon.svg', import.meta.url));
const ENTRY = fileURLToPath(new URL('./browser/main.ts', import.meta.url));

function asset(body: string, contentType: string): DashboardAsset {
  return { body, contentType, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` };
}

/**
 * Bundles the browser script (src/dashboard/browser/main.ts with the SDK it imports) into one ES module with esbuild.
 * Everything the page needs comes from this server: no CDN, no external fonts.
 */
export async function bundleDashboardScript(): Promise<string> {
  const result = await build({
    entryPoints: [ENTRY],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['chrome109', 'firefox115', 'safari16'],
    minify: true,
    legalComments: 'none',
    define: { 'process.env.NODE_ENV': '"production"' },
    write: false,
    logLevel: 'silent',
  });
  const [output] = result.outputFiles;
  if (!output) throw new Error('esbuild produced no output for the dashboard script');
  return output.text;
}

let loading: Promise<DashboardAssets> | undefined;

/**
 * The page, its stylesheet and its bundled script, built on first use and then kept in memory for the life of the
 * process (the sources do not change under a running server). A failed build is not kept: the next request tries
 * again.
 */
export function loadDashboardAssets(): Promise<DashboardAssets> {
  loading ??= (async () => {
    const [html, css, icon, script] = await Promise.all([
      readFile(PAGE, 'utf8'),
      readFile(STYLE, 'utf8'),
      readFile(ICON, 'utf8'),
      bundleDashboardScript(),
    ]);
    return {
      html: asset(html, 'text/html; charset=utf-8'),
      css: asset(css, 'text/css; charset=utf-8'),
      icon: asset(icon, 'image/svg+xml'),
      script: asset(script, 'text/javascript; charset=utf-8'),
    };
  })();
  loading.catch(() => {
    loading = undefined;
  });
  return loading;
}
