import { InvalidArgumentError, OverloadedError } from './errors.js';
import type { PartResult } from './inference-worker.js';
import type { InferenceInput, InferenceOutput } from './types.js';

export interface BatcherOptions {
  /** Examples per worker call; a larger request runs alone. */
  maxBatchSize: number;
  /** How long the first request of a batch waits for others; 0 runs every request alone. */
  maxWaitMs: number;
  /** Examples that may wait for the worker; more are refused with OverloadedError. */
  maxQueue: number;
}

export interface BatchStats {
  /** Worker calls made. */
  batches: number;
  /** Examples in them. */
  examples: number;
}

/** Runs one batch on the worker: each part is one request's input, all for `key` and of one kind. */
export type Execute = (key: string, parts: InferenceInput[]) => Promise<PartResult[]>;

interface Pending {
  input: InferenceInput;
  examples: number;
  arrived: number;
  state: 'queued' | 'running' | 'settled';
  resolve(output: InferenceOutput): void;
  reject(error: unknown): void;
}

interface Lane {
  key: string;
  queue: Pending[];
  examples: number;
}

const MAX_IN_FLIGHT = 2;

export const examplesIn = (input: InferenceInput): number =>
  input.kind === 'tensors'
    ? input.count
    : input.kind === 'records'
      ? input.records.length
      : input.kind === 'recommend'
        ? // A basket is scored as the customers who share it, each over the whole catalogue.
          input.users.length
        : input.images.length;

/**
 * Micro-batching in front of the single inference worker. Requests wait in a lane per model
 * version and input kind; a lane is due when it holds a full batch or its oldest request has
 * waited maxWaitMs. At most two batches are out at a time: while the worker is busy, lanes keep filling, so
 * batches grow with load, and work whose deadline passes before it starts is dropped.
 */
export class Batcher {
  readonly #options: BatcherOptions;
  readonly #execute: Execute;
  readonly #lanes = new Map<string, Lane>();
  #queued = 0;
  /** Batches handed to the worker and not yet answered. */
  #inFlight = 0;
  /** Requests in the last batch handed out: a measure of the load. */
  #lastBatch = 0;
  #timer: NodeJS.Timeout | undefined;
  #immediate: NodeJS.Immediate | undefined;
  readonly #stats: BatchStats = { batches: 0, examples: 0 };

  constructor(options: BatcherOptions, execute: Execute) {
    this.#options = options;
    this.#execute = execute;
  }

  /** Queues a request; `signal` aborting (its deadline) rejects it with the signal's reason. */
  submit(key: string, input: InferenceInput, signal: AbortSignal): Promise<InferenceOutput> {
    const examples = examplesIn(input);
    if (this.#queued + examples > this.#options.maxQueue) {
      return Promise.reject(
        new OverloadedError(
          `the server is overloaded: ${this.#queued} examples are waiting (maxQueue ${this.#options.maxQueue}); retry later`,
        ),
      );
    }
    return new Promise((resolve, reject) => {
      const laneId = `${key}\u0000${input.kind}`;
      let lane = this.#lanes.get(laneId);
      if (!lane) {
        lane = { key, queue: [], examples: 0 };
        this.#lanes.set(laneId, lane);
      }
      const pending: Pending = {
        input,
        examples,
        arrived: performance.now(),
        state: 'queued',
        resolve,
        reject,
      };
      lane.queue.push(pending);
      lane.examples += examples;
      this.#queued += examples;
      signal.addEventListener('abort', () => this.#abort(laneId, pending, signal.reason), { once: true });
      // After the current turn of the event loop, so that requests arriving together go together.
      this.#immediate ??= setImmediate(() => {
        this.#immediate = undefined;
        this.#pump();
      });
    });
  }

  stats(): BatchStats {
    return { ...this.#stats };
  }

  #abort(laneId: string, pending: Pending, reason: unknown): void {
    if (pending.state === 'settled') return;
    if (pending.state === 'queued') {
      const lane = this.#lanes.get(laneId)!;
      lane.queue.splice(lane.queue.indexOf(pending), 1);
      lane.examples -= pending.examples;
      this.#queued -= pending.examples;
      if (lane.queue.length === 0) this.#lanes.delete(laneId);
    }
    pending.state = 'settled';
    pending.reject(reason);
  }

  #pump(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const { maxBatchSize, maxWaitMs } = this.#options;
    // Two batches in flight: the worker starts the next as soon as it answers one, instead of
    // idling while this thread parses requests and gathers the next batch.
    while (this.#inFlight < MAX_IN_FLIGHT) {
      const now = performance.now();
      let due: [string, Lane] | undefined;
      let wake = Number.POSITIVE_INFINITY;
      for (const entry of this.#lanes) {
        const [, lane] = entry;
        const head = lane.queue[0];
        // At low load (an idle worker whose last batch was a lone request) waiting for company
        // only adds latency; under load the wait is what makes batches.
        const eager = this.#inFlight === 0 && this.#lastBatch <= 1;
        const at = lane.examples >= maxBatchSize || eager ? head.arrived : head.arrived + maxWaitMs;
        if (at > now) wake = Math.min(wake, at);
        else if (!due || head.arrived < due[1].queue[0].arrived) due = entry;
      }
      if (due) {
        this.#dispatch(...due);
        continue;
      }
      if (wake < Number.POSITIVE_INFINITY)
        this.#timer = setTimeout(() => this.#pump(), Math.max(1, Math.ceil(wake - now)));
      return;
    }
  }

  #dispatch(laneId: string, lane: Lane): void {
    const { maxBatchSize, maxWaitMs } = this.#options;
    const batch: Pending[] = [];
    let examples = 0;
    for (const pending of lane.queue) {
      if (batch.length > 0 && (maxWaitMs === 0 || examples + pending.examples > maxBatchSize)) break;
      batch.push(pending);
      examples += pending.examples;
    }
    lane.queue.splice(0, batch.length);
    lane.examples -= examples;
    this.#queued -= examples;
    if (lane.queue.length === 0) this.#lanes.delete(laneId);
    for (const pending of batch) pending.state = 'running';
    this.#inFlight++;
    this.#lastBatch = batch.length;
    this.#stats.batches++;
    this.#stats.examples += examples;
    this.#execute(
      lane.key,
      batch.map((p) => p.input),
    )
      .then(
        (results) => {
          for (const [i, pending] of batch.entries()) settle(pending, results[i]);
        },
        (error: Error) => {
          for (const pending of batch) settle(pending, error);
        },
      )
      .finally(() => {
        this.#inFlight--;
        this.#pump();
      });
  }
}

function settle(pending: Pending, result: PartResult | Error): void {
  if (pending.state === 'settled') return;
  pending.state = 'settled';
  if (result instanceof Error) pending.reject(result);
  else if (result.ok) {
    const { ok: _, ...output } = result;
    pending.resolve(output);
  } else pending.reject(new InvalidArgumentError(result.message));
}
