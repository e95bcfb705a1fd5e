import { Worker } from 'node:worker_threads';
import { CapstanError } from '../api/errors.ts';
import { limitExceeded, DEFAULT_LIMITS, LIMIT_SETTINGS } from '../util/limits.ts';
import { limitInUse, limitRejections } from '../util/metrics.ts';
import { manifestDocuments, type ManifestDocument } from './manifest.ts';
import type { YamlReadResult } from './yaml-reader.mjs';

export interface ManifestParserOptions {
  /** Longest a manifest may take to parse (in the worker, once it is ready); past it: INVALID. */
  timeoutMs?: number;
  /** Manifests waiting for the worker at once; past it: TOO_MANY_REQUESTS. */
  maxQueued?: number;
  /** Heap of the worker (MB); a manifest that needs more is INVALID. */
  maxHeapMb?: number;
}

interface Job {
  text: string;
  resolve: (docs: ManifestDocument[]) => void;
  reject: (err: unknown) => void;
}

const WORKER_URL = new URL('./yaml-reader.mjs', import.meta.url);
/** How long a new worker may take to load `yaml` (not counted against a manifest's budget). */
const STARTUP_TIMEOUT_MS = 30_000;

/**
 * Parses manifests for the API server off its event loop. The `yaml` package is slow on some text (a flat mapping
 * of 20,000 keys takes seconds, since every key is compared with every other; `a: ` repeated 5,000 times about a
 * second of errors), all within the 2 MiB body limit: on the loop, one such `apply` froze every request, watch and
 * controller of the process. Here one worker thread reads the YAML, one manifest at a time, and the loop only
 * receives plain values. A manifest that takes longer than `timeoutMs` is refused and the worker replaced (terminate
 * stops it mid-parse); one that needs more heap than the worker has is refused the same way.
 */
export class ManifestParser {
  readonly timeoutMs: number;
  readonly maxQueued: number;
  private readonly maxHeapMb: number;
  private readonly queue: Job[] = [];
  private worker: Worker | undefined;
  private ready = false;
  private running: { job: Job; timer: NodeJS.Timeout } | undefined;
  private nextId = 0;
  private closed = false;

  constructor(options: ManifestParserOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_LIMITS.manifestParseMs;
    this.maxQueued = options.maxQueued ?? DEFAULT_LIMITS.queuedManifestParses;
    this.maxHeapMb = options.maxHeapMb ?? 256;
  }

  /** The manifest's documents, or INVALID (as parseManifest, or past the time or memory budget). */
  parse(text: string): Promise<ManifestDocument[]> {
    if (this.closed) return Promise.reject(new CapstanError('UNAVAILABLE', 'the API server is shutting down'));
    if (this.queue.length >= this.maxQueued) {
      return Promise.reject(
        limitExceeded('queuedManifestParses', this.maxQueued, `${this.maxQueued} manifests are waiting to be parsed`),
      );
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ text, resolve, reject });
      limitInUse.inc({ limit: 'queuedManifestParses' });
      this.pump();
    });
  }

  /** Stops the worker; parses waiting or running are refused. */
  async close(): Promise<void> {
    this.closed = true;
    const error = new CapstanError('UNAVAILABLE', 'the API server is shutting down');
    for (const job of this.queue.splice(0)) {
      limitInUse.dec({ limit: 'queuedManifestParses' });
      job.reject(error);
    }
    this.finish()?.reject(error);
    await this.stopWorker();
  }

  private pump(): void {
    if (!this.running && this.queue.length > 0) {
      if (!this.worker) this.startWorker();
      if (this.ready) {
        const job = this.queue.shift()!;
        limitInUse.dec({ limit: 'queuedManifestParses' });
        const timer = setTimeout(() => this.timedOut(), this.timeoutMs);
        this.running = { job, timer };
        this.worker!.postMessage({ id: ++this.nextId, text: job.text });
      }
    }
    // The worker keeps the process alive only while a manifest waits for it (an idle parser never does).
    if (this.running || this.queue.length > 0) this.worker?.ref();
    else this.worker?.unref();
  }

  private startWorker(): void {
    const worker = new Worker(WORKER_URL, {
      workerData: { capstanYamlReader: true },
      // Not the parent's flags (loaders, --input-type, ...): the worker is plain JavaScript and imports only `yaml`.
      execArgv: [],
      resourceLimits: { maxOldGenerationSizeMb: this.maxHeapMb },
      stdout: false,
      stderr: false,
    });
    this.worker = worker;
    this.ready = false;
    const startup = setTimeout(() => {
      if (worker === this.worker && !this.ready) this.fail(new CapstanError('UNAVAILABLE', 'it did not start in time'));
    }, STARTUP_TIMEOUT_MS);
    startup.unref();
    worker.on('message', (message: { ready?: boolean; id?: number; result?: YamlReadResult }) => {
      if (worker !== this.worker) return;
      if (message.ready) {
        clearTimeout(startup);
        this.ready = true;
      } else if (message.id === this.nextId && message.result) {
        const job = this.finish();
        if (job) {
          try {
            job.resolve(manifestDocuments(message.result));
          } catch (err) {
            job.reject(err);
          }
        }
      }
      this.pump();
    });
    worker.on('error', (err: Error & { code?: string }) => {
      if (worker !== this.worker) return;
      const outOfMemory = err.code === 'ERR_WORKER_OUT_OF_MEMORY';
      this.fail(
        CapstanError.invalid([
          {
            field: 'manifest',
            message: outOfMemory
              ? `needs more than the ${this.maxHeapMb} MB of memory a manifest may take to parse`
              : `cannot be parsed: ${err.message}`,
          },
        ]),
      );
    });
    worker.on('exit', () => {
      if (worker !== this.worker) return;
      this.fail(new CapstanError('UNAVAILABLE', 'the manifest parser stopped; try again'));
    });
    // After the listeners: adding a 'message' listener refs the worker again.
    worker.unref();
  }

  private timedOut(): void {
    limitRejections.inc({ limit: 'manifestParseMs' });
    const setting = LIMIT_SETTINGS.manifestParseMs;
    this.fail(
      CapstanError.invalid([
        {
          field: 'manifest',
          message:
            `took longer than ${this.timeoutMs} ms to parse, the limit manifestParseMs (setting ${setting}, ` +
            'in seconds); a manifest of Kubernetes objects parses in milliseconds',
        },
      ]),
    );
  }

  /**
   * Refuses the running parse with `error` and drops the worker; a fresh one takes the next manifest. A worker that
   * failed before it was ready would fail again: then the waiting manifests are refused too.
   */
  private fail(error: CapstanError): void {
    const started = this.ready;
    this.finish()?.reject(error);
    void this.stopWorker();
    if (!started) {
      const unavailable = new CapstanError('UNAVAILABLE', `the manifest parser cannot start: ${error.message}`);
      for (const job of this.queue.splice(0)) {
        limitInUse.dec({ limit: 'queuedManifestParses' });
        job.reject(unavailable);
      }
    } else if (!this.closed) {
      // The next manifest should not wait for a worker to load `yaml`: start its replacement now.
      this.startWorker();
      this.pump();
    }
  }

  private finish(): Job | undefined {
    const running = this.running;
    if (!running) return undefined;
    clearTimeout(running.timer);
    this.running = undefined;
    return running.job;
  }

  private async stopWorker(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.ready = false;
    if (worker) await worker.terminate();
  }
}
