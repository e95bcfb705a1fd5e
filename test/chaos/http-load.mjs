/* global setInterval, clearInterval, setTimeout */
// HTTP load for the chaos scenarios, run inside a bed host's network namespace (so that ClusterIPs are
// reachable): GET requests at a fixed rate to each target, one new connection per request (no keep-alive, so
// every request goes through the service proxy's choice of a backend), each bounded by a timeout. Prints one JSON
// line per finished request: {"t": ms since start, "target": name, "ok": bool, "ms": latency, "err"?: reason}.
// Stops after `durationMs` or on SIGTERM, waiting for the requests in flight.
//
//   node http-load.mjs '{"targets":[{"name":"nodeport","url":"http://10.123.0.11:30080/"}],"rate":10,"durationMs":60000}'
import http from 'node:http';

const config = JSON.parse(process.argv[2] ?? '{}');
const targets = config.targets ?? [];
const rate = Math.min(Math.max(Number(config.rate ?? 10), 1), 200);
const durationMs = Math.min(Math.max(Number(config.durationMs ?? 10_000), 1), 30 * 60_000);
const timeoutMs = Number(config.timeoutMs ?? 3_000);
const start = performance.now();
let inFlight = 0;
let stopping = false;

function request(target) {
  const began = performance.now();
  inFlight++;
  let done = false;
  let received = 0;
  const finish = (ok, err) => {
    if (done) return;
    done = true;
    inFlight--;
    const line = { t: Math.round(began - start), target: target.name, ok, ms: Math.round(performance.now() - began) };
    if (err) line.err = err;
    if (!ok) line.bytes = received; // how much of an answer arrived before the failure
    process.stdout.write(`${JSON.stringify(line)}\n`);
    if (stopping && inFlight === 0) process.exit(0);
  };
  const req = http.get(target.url, { agent: false, timeout: timeoutMs, headers: { connection: 'close' } }, (res) => {
    res.resume();
    res.on('end', () => finish(res.statusCode === 200, res.statusCode === 200 ? undefined : `HTTP ${res.statusCode}`));
    res.on('error', (e) => finish(false, e.code ?? e.message));
  });
  req.on('socket', (socket) => socket.on('data', (d) => (received += d.length)));
  req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
  req.on('error', (e) => finish(false, e.code ?? e.message));
}

const interval = 1000 / rate;
let sent = 0;
const timer = setInterval(
  () => {
    const elapsed = performance.now() - start;
    if (elapsed >= durationMs) return stop();
    // Catch up after a slow tick, so the rate holds on a busy machine.
    while (sent * interval <= elapsed) {
      for (const target of targets) request(target);
      sent++;
    }
  },
  Math.max(5, Math.floor(interval / 2)),
);

function stop() {
  if (stopping) return;
  stopping = true;
  clearInterval(timer);
  if (inFlight === 0) process.exit(0);
  setTimeout(() => process.exit(0), timeoutMs + 500).unref();
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
