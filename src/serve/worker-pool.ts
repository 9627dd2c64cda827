import { Worker } from 'node:worker_threads';
import { UnavailableError } from './errors.js';
import type { ModelInfo, PartResult, WorkerReply, WorkerRequest } from './inference-worker.js';
import type { InferenceInput } from './types.js';

interface Load {
  path: string;
  done: Promise<ModelInfo>;
  settled: boolean;
  resolve(model: ModelInfo): void;
  reject(error: Error): void;
}

interface Run {
  resolve(results: PartResult[]): void;
  reject(error: Error): void;
}

/**
 * The main thread's side of the inference worker. Loads are remembered and replayed, so that a
 * worker that dies is replaced by one holding the same models; runs in flight when it dies are
 * not retried (they may be what killed it) and fail with UnavailableError.
 */
export class InferenceWorker {
  #worker: Worker;
  readonly #loads = new Map<string, Load>();
  readonly #runs = new Map<number, Run>();
  #nextId = 0;
  #closed = false;
  /** Set when a worker dies before it has started: replacing it would only die the same way. */
  #broken: UnavailableError | undefined;
  #started = false;
  #lastError = '';
  /** Keys of models replayed into a new worker that has not answered for them yet. */
  readonly #replaying = new Set<string>();

  constructor() {
    this.#worker = this.#spawn();
  }

  /** Loads the artifact folder under `key`; a key already loaded answers at once. */
  load(key: string, path: string): Promise<ModelInfo> {
    if (this.#broken) return Promise.reject(this.#broken);
    const known = this.#loads.get(key);
    if (known) return known.done;
    let resolve!: (model: ModelInfo) => void;
    let reject!: (error: Error) => void;
    const done = new Promise<ModelInfo>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const load: Load = { path, done, settled: false, resolve, reject };
    this.#loads.set(key, load);
    this.#post({ type: 'load', key, path });
    return done;
  }

  unload(key: string): void {
    this.#replaying.delete(key);
    if (this.#loads.delete(key)) this.#post({ type: 'unload', key });
  }

  /** One batch: every part is a request's input, of one kind, for the model under `key`. */
  run(key: string, parts: InferenceInput[]): Promise<PartResult[]> {
    if (this.#broken) return Promise.reject(this.#broken);
    if (this.#closed) return Promise.reject(new UnavailableError('the server is shutting down'));
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#runs.set(id, { resolve, reject });
      try {
        this.#post({ type: 'run', id, key, parts }, transferables(parts));
      } catch (error) {
        this.#runs.delete(id);
        reject(error);
      }
    });
  }

  /** False while a replacement worker is still loading the models of the one that died. */
  get ready(): boolean {
    return this.#replaying.size === 0;
  }

  /** @internal Test hook: ends the worker as a crash would. */
  async kill(): Promise<void> {
    await this.#worker.terminate();
  }

  /** Ends the worker; what it still had to do fails with UnavailableError. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#worker.terminate();
    const error = new UnavailableError('the server is shutting down');
    for (const run of this.#runs.values()) run.reject(error);
    for (const load of this.#loads.values()) load.reject(error);
    this.#runs.clear();
    this.#loads.clear();
  }

  #post(message: WorkerRequest, transfer: ArrayBuffer[] = []): void {
    this.#worker.postMessage(message, transfer);
  }

  #spawn(): Worker {
    const worker = spawnWorker();
    worker.on('message', (reply: WorkerReply) => this.#receive(reply));
    // An error event is always followed by exit, which is where the worker is replaced.
    worker.on('error', (error) => {
      this.#lastError = error.message;
    });
    worker.on('exit', (code) => this.#exited(worker, code));
    return worker;
  }

  #receive(reply: WorkerReply): void {
    if (reply.type === 'started') {
      this.#started = true;
      return;
    }
    if (reply.type === 'loaded' || reply.type === 'loadFailed') {
      this.#replaying.delete(reply.key);
      const load = this.#loads.get(reply.key);
      if (!load || load.settled) return;
      load.settled = true;
      if (reply.type === 'loaded') load.resolve(reply.model);
      else {
        this.#loads.delete(reply.key);
        load.reject(new UnavailableError(reply.message));
      }
      return;
    }
    const run = this.#runs.get(reply.id);
    if (!run) return;
    this.#runs.delete(reply.id);
    if (reply.type === 'ran') run.resolve(reply.results);
    else run.reject(reply.unavailable ? new UnavailableError(reply.message) : new Error(reply.message));
  }

  #exited(worker: Worker, code: number): void {
    if (worker !== this.#worker || this.#closed) return;
    if (!this.#started) {
      this.#broken = new UnavailableError(
        `the inference worker could not start (exit code ${code}): ${this.#lastError}`,
      );
      for (const load of this.#loads.values()) load.reject(this.#broken);
      this.#loads.clear();
    }
    const error =
      this.#broken ??
      new UnavailableError(`the inference worker stopped (exit code ${code}); retry the request`);
    for (const run of this.#runs.values()) run.reject(error);
    this.#runs.clear();
    if (this.#broken) return;
    this.#started = false;
    this.#lastError = '';
    this.#worker = this.#spawn();
    this.#replaying.clear();
    for (const [key, load] of this.#loads) {
      this.#replaying.add(key);
      this.#post({ type: 'load', key, path: load.path });
    }
  }
}

/**
 * Built (dist/), the worker is plain JavaScript beside this file. Under tsx (tests, `tsx
 * src/...`) it is TypeScript, and Node 20 does not carry the parent's --import hooks into a
 * worker, so a small bootstrap registers tsx's loader in the worker before importing it.
 */
function spawnWorker(): Worker {
  const typescript = import.meta.url.endsWith('.ts');
  const entry = new URL(`./inference-worker.${typescript ? 'ts' : 'js'}`, import.meta.url);
  if (!typescript) return new Worker(entry);
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(bootstrap, { eval: true });
}

/**
 * The buffers the inputs own outright; a view into a larger buffer is copied rather than
 * detaching its neighbours. Empty ones are left out: Node drops, without a word, a message whose
 * transfer list holds a buffer that is already detached.
 */
function transferables(parts: InferenceInput[]): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const part of parts) {
    const arrays = part.kind === 'tensors' ? part.inputs : part.kind === 'images' ? part.images : [];
    for (const a of arrays) {
      if (a.buffer instanceof ArrayBuffer && a.byteLength > 0 && a.byteLength === a.buffer.byteLength)
        buffers.add(a.buffer);
    }
  }
  return [...buffers];
}
