/// <reference lib="dom" />
/**
 * The dashboard's browser script (bundled by src/dashboard/dashboard-assets.ts). It asks for a token once, keeps it in
 * sessionStorage, and fills the tables from `watch` subscriptions only: no polling, no refetching.
 */
import { eventRows, namespaceChoices, nodeRows, podRows, serviceRows, workloadRows, type Row } from './columns.ts';
import { startLiveCluster, type ConnectionStatus, type LiveCluster } from './live-cluster.ts';
import { element, refreshAges, renderNamespaceOptions, renderTable } from './render.ts';

const TOKEN_KEY = 'capstan.dashboard.token';

const login = element('login', HTMLFormElement);
const tokenInput = element('token-input', HTMLInputElement);
const loginMessage = element('login-message', HTMLElement);
const content = element('content', HTMLElement);
const namespaceSelect = element('namespace', HTMLSelectElement);
const connection = element('connection', HTMLElement);
const signOut = element('sign-out', HTMLButtonElement);
const tables = {
  nodes: element('nodes', HTMLTableElement),
  pods: element('pods', HTMLTableElement),
  workloads: element('workloads', HTMLTableElement),
  services: element('services', HTMLTableElement),
  events: element('events', HTMLTableElement),
};

let cluster: LiveCluster | undefined;
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
  content.hidden = true;
  signOut.hidden = true;
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
  renderTable(
    tables.pods,
    rowsIf(live.pods.loaded, () => podRows(pods, ns, now)),
    `No pods${where}`,
    count('pods'),
  );
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
}

/** Draws at most once per frame, however many events a snapshot or a burst of changes brings. */
function scheduleRender(): void {
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(render);
}

function connect(token: string): void {
  login.hidden = true;
  content.hidden = false;
  signOut.hidden = false;
  cluster = startLiveCluster({ url: location.origin, token, onChange: scheduleRender, onStatus });
  scheduleRender();
}

async function disconnect(): Promise<void> {
  const live = cluster;
  cluster = undefined;
  await live?.stop();
}

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

const token = storedToken();
if (token) connect(token);
else showLogin();
