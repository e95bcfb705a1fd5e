/// <reference lib="dom" />
/**
 * The dashboard's browser script (bundled by src/dashboard/dashboard-assets.ts). It asks for a token once, keeps it in
 * sessionStorage, and fills the tables from `watch` subscriptions only: no polling, no refetching. Actions, the pod
 * and node pages and the apply page use the same token over HTTP (and graphql-ws for logs): the server decides what
 * the token may do, and the page shows its refusal.
 */
import { createCapstanClient, WhoamiDocument, type CapstanClient } from '../../sdk/browser.ts';
import { actionError, actionOf, actionQuestion, runAction, type ActionChoice } from './actions.ts';
import { openApplyPage } from './apply-page.ts';
import {
  eventRows,
  namespaceChoices,
  nodeRows,
  podRows,
  serviceRows,
  workloadRows,
  type Row,
  type RowAction,
} from './columns.ts';
import { startLiveCluster, type ConnectionStatus, type LiveCluster } from './live-cluster.ts';
import { openDeploymentLogs, openNodePage, openPodPage, type Page } from './pages.ts';
import { element, refreshAges, renderNamespaceOptions, renderTable } from './render.ts';
import { VirtualTable } from './virtual-table.ts';

const TOKEN_KEY = 'capstan.dashboard.token';

const login = element('login', HTMLFormElement);
const tokenInput = element('token-input', HTMLInputElement);
const loginMessage = element('login-message', HTMLElement);
const content = element('content', HTMLElement);
const namespaceSelect = element('namespace', HTMLSelectElement);
const connection = element('connection', HTMLElement);
const signOut = element('sign-out', HTMLButtonElement);
const nav = element('nav', HTMLElement);
const whoami = element('whoami', HTMLElement);
const notice = element('notice', HTMLElement);
const overview = element('overview', HTMLElement);
const pageView = element('page', HTMLElement);
const dialog = element('action-dialog', HTMLDialogElement);
const replicasInput = element('action-replicas', HTMLInputElement);
const forceInput = element('action-force', HTMLInputElement);
const podsTable = new VirtualTable(element('pods', HTMLTableElement), element('pods-scroll', HTMLElement));
const tables = {
  nodes: element('nodes', HTMLTableElement),
  pods: element('pods', HTMLTableElement),
  workloads: element('workloads', HTMLTableElement),
  services: element('services', HTMLTableElement),
  events: element('events', HTMLTableElement),
};

let cluster: LiveCluster | undefined;
let api: CapstanClient | undefined;
let page: Page | undefined;
let pageStreams: CapstanClient | undefined;
let token: string | undefined;
let renderQueued = false;

function storedToken(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

function showStatus(text: string, state: string): void {
  connection.textContent = text;
  connection.dataset['state'] = state;
}

function showLogin(message = ''): void {
  closePage();
  content.hidden = true;
  signOut.hidden = true;
  nav.hidden = true;
  whoami.textContent = '';
  login.hidden = false;
  loginMessage.textContent = message;
  loginMessage.hidden = !message;
  showStatus('Not connected', 'offline');
  tokenInput.focus();
}

function onStatus(status: ConnectionStatus): void {
  switch (status.state) {
    case 'connecting':
      return showStatus('Connecting…', 'connecting');
    case 'live':
      if (!whoami.textContent) showWhoami();
      return showStatus('Live', 'live');
    case 'retrying':
      return showStatus(
        `Disconnected (${status.message}); reconnecting in ${Math.round(status.retryInMs / 1000)} s`,
        'retrying',
      );
    case 'refused': {
      void disconnect();
      sessionStorage.removeItem(TOKEN_KEY);
      const why =
        status.code === 'FORBIDDEN'
          ? `This token may not read the cluster (${status.message}).`
          : `The server refused the token (${status.message}).`;
      return showLogin(`${why} Enter a valid token.`);
    }
  }
}

/** Who the token is, once the server has accepted it (asking earlier would log a refused request). */
function showWhoami(): void {
  void api?.request(WhoamiDocument).then(
    ({ whoami: me }) => {
      whoami.textContent =
        me.role === 'viewer' ? `${me.tokenName} (viewer, read-only)` : `${me.tokenName} (${me.role})`;
    },
    () => undefined,
  );
}

function rowsIf(loaded: boolean, rows: () => Row[]): Row[] | undefined {
  return loaded ? rows() : undefined;
}

function render(): void {
  renderQueued = false;
  const live = cluster;
  if (!live) return;
  const now = Date.now();
  const pods = live.pods.values();
  const objects = [
    ...pods,
    ...live.deployments.values(),
    ...live.replicationControllers.values(),
    ...live.services.values(),
  ];
  renderNamespaceOptions(namespaceSelect, namespaceChoices(live.namespaces.values(), objects));
  const ns = namespaceSelect.value;
  const where = ns ? ` in namespace ${ns}` : '';
  const count = (id: string) => element(`${id}-count`, HTMLElement);
  renderTable(
    tables.nodes,
    rowsIf(live.nodes.loaded && live.pods.loaded, () => nodeRows(live.nodes.values(), pods, now)),
    'No nodes have joined the cluster',
    count('nodes'),
  );
  if (live.pods.loaded) {
    const rows = podRows(pods, ns, now);
    count('pods').textContent = `(${rows.length})`;
    if (rows.length > 0) podsTable.setRows(rows);
    else renderTable(tables.pods, [], `No pods${where}`);
  } else {
    renderTable(tables.pods, undefined, '', count('pods'));
  }
  renderTable(
    tables.workloads,
    rowsIf(live.deployments.loaded && live.replicationControllers.loaded, () =>
      workloadRows(live.deployments.values(), live.replicationControllers.values(), ns, now),
    ),
    `No deployments or replication controllers${where}`,
    count('workloads'),
  );
  renderTable(
    tables.services,
    rowsIf(live.services.loaded, () => serviceRows(live.services.values(), ns, now)),
    `No services${where}`,
    count('services'),
  );
  renderTable(
    tables.events,
    rowsIf(live.events.loaded, () => eventRows(live.events.values(), ns, now)),
    `No events${where}`,
  );
  page?.refresh();
}

/** Draws at most once per frame, however many events a snapshot or a burst of changes brings. */
function scheduleRender(): void {
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(render);
}

function connect(secret: string): void {
  token = secret;
  login.hidden = true;
  content.hidden = false;
  signOut.hidden = false;
  nav.hidden = false;
  api = createCapstanClient({ url: location.origin, token: secret });
  cluster = startLiveCluster({ url: location.origin, token: secret, onChange: scheduleRender, onStatus });
  route();
  scheduleRender();
}

async function disconnect(): Promise<void> {
  const live = cluster;
  cluster = undefined;
  api = undefined;
  token = undefined;
  closePage();
  await live?.stop();
}

function showNotice(text: string, tone: 'ok' | 'bad'): void {
  notice.textContent = text;
  notice.dataset['tone'] = tone;
  notice.hidden = false;
}

function closePage(): void {
  page?.close();
  page = undefined;
  void pageStreams?.close().catch(() => undefined);
  pageStreams = undefined;
}

/** Shows the view the address names: `#/` the overview, `#/pod/NS/NAME`, `#/node/NAME`, `#/logs/NS/DEPLOYMENT`, `#/apply`. */
function route(): void {
  closePage();
  notice.hidden = true;
  const client = api;
  if (!client || !token) return;
  const secret = token;
  const [view = '', ...parts] = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  const context = {
    api: client,
    view: pageView,
    pods: () => cluster?.pods.values() ?? [],
    streams: () =>
      (pageStreams ??= createCapstanClient({ url: location.origin, token: secret, subscriptionTransport: 'ws' })),
  };
  if (view === 'pod' && parts.length === 2) page = openPodPage(context, parts[0]!, parts[1]!);
  else if (view === 'node' && parts.length === 1) page = openNodePage(context, parts[0]!);
  else if (view === 'logs' && parts.length === 2) page = openDeploymentLogs(context, parts[0]!, parts[1]!);
  else if (view === 'apply') page = openApplyPage(client, pageView, namespaceSelect.value);
  overview.hidden = page !== undefined;
  pageView.hidden = page === undefined;
  document.body.dataset['view'] = page ? view : 'overview';
  if (!page) scheduleRender();
}

let pending: { target: RowAction; resolve(choice: ActionChoice | undefined): void } | undefined;

/** Asks before an action (how many replicas for scale; whether to force a drain); undefined when cancelled. */
function confirmAction(target: RowAction): Promise<ActionChoice | undefined> {
  pending?.resolve(undefined);
  element('action-question', HTMLElement).textContent = actionQuestion(target);
  element('action-replicas-label', HTMLElement).hidden = target.action !== 'scale';
  element('action-force-label', HTMLElement).hidden = target.action !== 'drain';
  replicasInput.value = String(target.replicas ?? 1);
  forceInput.checked = false;
  dialog.showModal();
  if (target.action === 'scale') replicasInput.select();
  return new Promise((resolve) => (pending = { target, resolve }));
}

function closeDialog(choice: ActionChoice | undefined): void {
  const waiting = pending;
  pending = undefined;
  dialog.close();
  waiting?.resolve(choice);
}

element('action-confirm', HTMLButtonElement).addEventListener('click', () => {
  if (pending?.target.action === 'scale' && !replicasInput.checkValidity()) return replicasInput.reportValidity();
  closeDialog({ replicas: Number(replicasInput.value), force: forceInput.checked });
});
element('action-cancel', HTMLButtonElement).addEventListener('click', () => closeDialog(undefined));
dialog.addEventListener('cancel', () => closeDialog(undefined));
replicasInput.addEventListener('keydown', (event) => {
  if (event.key === 'Enter') element('action-confirm', HTMLButtonElement).click();
});

content.addEventListener('click', (event) => {
  const button = (event.target as HTMLElement).closest<HTMLButtonElement>('button.action');
  const target = button ? actionOf(button) : undefined;
  const client = api;
  if (!button || !target || !client) return;
  void (async () => {
    const choice = await confirmAction(target);
    if (!choice) return;
    button.disabled = true;
    try {
      showNotice(await runAction(client, target, choice), 'ok');
      if (target.action === 'delete' && page) location.hash = '#/';
    } catch (err) {
      showNotice(actionError(err), 'bad');
    } finally {
      button.disabled = false;
      page?.refresh();
    }
  })();
});

window.addEventListener('hashchange', route);

login.addEventListener('submit', (event) => {
  event.preventDefault();
  const token = tokenInput.value.trim();
  if (!token) return showLogin('Enter a token.');
  tokenInput.value = '';
  sessionStorage.setItem(TOKEN_KEY, token);
  connect(token);
});

signOut.addEventListener('click', () => {
  void disconnect();
  sessionStorage.removeItem(TOKEN_KEY);
  showLogin();
});

namespaceSelect.addEventListener('change', () => {
  const url = new URL(location.href);
  if (namespaceSelect.value) url.searchParams.set('namespace', namespaceSelect.value);
  else url.searchParams.delete('namespace');
  history.replaceState(null, '', url);
  scheduleRender();
});

const requested = new URLSearchParams(location.search).get('namespace');
if (requested) renderNamespaceOptions(namespaceSelect, [requested]);
namespaceSelect.value = requested ?? '';

setInterval(() => {
  if (!document.hidden && cluster) refreshAges(content);
}, 1_000);

const saved = storedToken();
if (saved) connect(saved);
else showLogin();
