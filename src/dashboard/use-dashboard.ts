import type { Plugin } from 'graphql-yoga';
import type { Logger } from '../util/logger.ts';
import { loadDashboardAssets, type DashboardAsset, type DashboardAssets } from './dashboard-assets.ts';

/** Where the dashboard is served. */
export const DASHBOARD_PATH = '/dashboard';

/**
 * The page's policy: its own script, stylesheet and API (fetch and the graphql-ws WebSocket) only; nothing inline,
 * nothing from elsewhere, no framing.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const ROUTES: Record<string, keyof DashboardAssets> = {
  [DASHBOARD_PATH]: 'html',
  [`${DASHBOARD_PATH}/`]: 'html',
  [`${DASHBOARD_PATH}/app.js`]: 'script',
  [`${DASHBOARD_PATH}/style.css`]: 'css',
  [`${DASHBOARD_PATH}/icon.svg`]: 'icon',
};

/**
 * Serves the live dashboard: GET /dashboard (the page), /dashboard/app.js (its script, bundled from
 * src/dashboard/browser on the first request and kept in memory), /dashboard/style.css and /dashboard/icon.svg. The files themselves are
 * public, like GraphiQL's page; every piece of cluster data reaches the page through the token-checked API.
 */
export function useDashboard({ logger }: { logger: Logger }): Plugin {
  let ResponseClass: typeof Response = Response;

  function text(body: string, status: number): Response {
    return new ResponseClass(body, { status, headers: { 'content-type': 'text/plain; charset=utf-8' } });
  }

  function serve(request: Request, file: DashboardAsset, isPage: boolean): Response {
    const headers: Record<string, string> = {
      'content-type': file.contentType,
      etag: file.etag,
      // Revalidated on every load, so a restarted server with a new script is picked up at once.
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      ...(isPage ? { 'content-security-policy': CONTENT_SECURITY_POLICY } : {}),
    };
    if (request.headers.get('if-none-match') === file.etag) return new ResponseClass(null, { status: 304, headers });
    return new ResponseClass(request.method === 'HEAD' ? null : file.body, { status: 200, headers });
  }

  return {
    onYogaInit({ yoga }) {
      // Responses must come from yoga's fetch implementation, which may be a ponyfill rather than Node's own.
      ResponseClass = yoga.fetchAPI.Response;
    },
    async onRequest({ request, url, endResponse }) {
      if (url.pathname !== DASHBOARD_PATH && !url.pathname.startsWith(`${DASHBOARD_PATH}/`)) return;
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        return endResponse(text('the dashboard answers GET only\n', 405));
      }
      const name = ROUTES[url.pathname];
      if (!name) return endResponse(text(`no such dashboard file: ${url.pathname}\n`, 404));
      try {
        const assets = await loadDashboardAssets();
        endResponse(serve(request, assets[name], name === 'html'));
      } catch (err) {
        logger.error({ err }, 'the dashboard could not be built');
        endResponse(text('the dashboard could not be built; see the server log\n', 500));
      }
    },
  };
}
