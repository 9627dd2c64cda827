import { openRegistry, type Registry } from '../registry/index.js';
import { ValueError } from '../tensor/errors.js';
import { Batcher, type BatchStats, examplesIn } from './batcher.js';
import { DeadlineError, UnavailableError } from './errors.js';
import { observeBatch } from './metrics.js';
import { ModelStore } from './model-store.js';
import { checkInput } from './signature.js';
import type { InferenceInput, InferenceOutput, LoadedVersion, Serving, VersionSelector } from './types.js';
import { InferenceWorker } from './worker-pool.js';

export interface ServingOptions {
  /** The registry folder; DEEPLINE_HOME or ./.deepline by default. */
  home?: string;
  /** 'churn' (follows production), 'churn:2', 'churn@candidate'; none: every model with a production version. */
  models?: string[];
  /** Examples per worker call (64). */
  maxBatchSize?: number;
  /** How long a batch waits for more requests after its first (2 ms); 0 runs each request alone. */
  maxWaitMs?: number;
  /** How often the registry is read for promotions and rollbacks (1000 ms). */
  reloadIntervalMs?: number;
  /** The longest a request may take, waiting included (10000 ms); then DeadlineError. */
  requestTimeoutMs?: number;
  /** Examples that may wait for the worker (1024); more are refused with OverloadedError. */
  maxQueue?: number;
  /** Versions per model kept loaded on demand, besides the served ones (4). */
  maxVersions?: number;
}

const defaults = {
  maxBatchSize: 64,
  maxWaitMs: 2,
  reloadIntervalMs: 1000,
  requestTimeoutMs: 10_000,
  maxQueue: 1024,
  maxVersions: 4,
};

/** Opens the registry, loads the served models into the inference worker and watches for promotions. */
export async function createServing(options: ServingOptions = {}): Promise<ModelServing> {
  // Options may be passed through as undefined: each falls back to its default.
  const settings = Object.fromEntries(
    Object.entries(defaults).map(([key, value]) => {
      const given = options[key as keyof typeof defaults] ?? value;
      const least = key === 'maxWaitMs' || key === 'maxVersions' ? 0 : 1;
      if (!Number.isInteger(given) || given < least)
        throw new ValueError(`createServing: ${key} is ${given}, expected an integer ≥ ${least}`);
      return [key, given];
    }),
  ) as typeof defaults;
  const registry = openRegistry(options.home);
  const worker = new InferenceWorker();
  try {
    const store = await ModelStore.open(registry, worker, {
      refs: options.models,
      maxVersions: settings.maxVersions,
    });
    return new ModelServing(registry, worker, store, settings);
  } catch (error) {
    await worker.close();
    registry.close();
    throw error;
  }
}

/** The Serving the HTTP routes call: see createServing. */
export class ModelServing implements Serving {
  readonly #registry: Registry;
  readonly #store: ModelStore;
  readonly #batcher: Batcher;
  readonly #settings: typeof defaults;
  #pollTimer: NodeJS.Timeout | undefined;
  #polling: Promise<void> = Promise.resolve();
  #closing: Promise<void> | undefined;
  /** Every infer not yet settled; each settles by its deadline at the latest. */
  readonly #inflight = new Set<Promise<void>>();
  /** @internal The inference worker, for tests that make it crash. */
  readonly worker: InferenceWorker;

  /** @internal Use createServing. */
  constructor(registry: Registry, worker: InferenceWorker, store: ModelStore, settings: typeof defaults) {
    this.#registry = registry;
    this.worker = worker;
    this.#store = store;
    this.#settings = settings;
    this.#batcher = new Batcher(settings, (key, parts) => {
      observeBatch(parts.reduce((n, part) => n + examplesIn(part), 0));
      return worker.run(key, parts);
    });
    this.#schedulePoll();
  }

  names(): string[] {
    return this.#store.names();
  }

  status(name: string): LoadedVersion[] {
    return this.#store.status(name);
  }

  resolve(name: string, selector: VersionSelector): LoadedVersion {
    return this.#store.resolve(name, selector);
  }

  load(name: string, selector: VersionSelector): Promise<LoadedVersion> {
    return this.#store.load(name, selector);
  }

  infer(version: LoadedVersion, input: InferenceInput): Promise<InferenceOutput> {
    if (this.#closing) return Promise.reject(new UnavailableError('the server is shutting down'));
    const work = this.#infer(version, input);
    const settled = work.then(
      () => {},
      () => {},
    );
    this.#inflight.add(settled);
    settled.then(() => this.#inflight.delete(settled));
    return work;
  }

  async #infer(version: LoadedVersion, input: InferenceInput): Promise<InferenceOutput> {
    checkInput(version, input);
    const lease = this.#store.acquire(version.name, version.version);
    const ms = this.#settings.requestTimeoutMs;
    const deadline = new AbortController();
    const timer = setTimeout(
      () => deadline.abort(new DeadlineError(`the model did not answer within ${ms} ms`)),
      ms,
    );
    try {
      await abortable(lease.ready, deadline.signal);
      return await this.#batcher.submit(lease.key, input, deadline.signal);
    } finally {
      clearTimeout(timer);
      lease.release();
    }
  }

  ready(): boolean {
    return !this.#closing && this.#store.ready();
  }

  /** Worker calls made so far and the examples in them. */
  stats(): BatchStats {
    return this.#batcher.stats();
  }

  /** Stops watching the registry, lets requests in flight finish (each within its deadline), then stops the worker. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      clearTimeout(this.#pollTimer);
      await this.#polling;
      await Promise.all(this.#inflight);
      await this.worker.close();
      this.#registry.close();
    })();
    return this.#closing;
  }

  #schedulePoll(): void {
    this.#pollTimer = setTimeout(() => {
      this.#polling = this.#store.refresh().then(() => {
        if (!this.#closing) this.#schedulePoll();
      });
    }, this.#settings.reloadIntervalMs);
    // Watching the registry alone must not keep a process alive.
    this.#pollTimer.unref();
  }
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const abort = () => reject(signal.reason);
    if (signal.aborted) abort();
    signal.addEventListener('abort', abort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}
