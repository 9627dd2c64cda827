import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import type { RequestLabels } from './routes.js';

/**
 * Prometheus metrics of one server: requests by model, version, method and status, latency,
 * and the batch sizes the runtime forms, next to Node's process metrics (memory, event loop lag).
 */

// One histogram for the process, since the runtime's batcher reports into it without knowing
// which server (if any) exports it; every server's registry exports the same one.
const batchSizes = new Histogram({
  name: 'deepline_batch_size',
  help: 'Examples per inference batch run by the model worker.',
  buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024],
  registers: [],
});

/** Called by the serving runtime once for every batch it runs. */
export function observeBatch(size: number): void {
  batchSizes.observe(size);
}

export interface ServerMetrics {
  observeRequest(labels: RequestLabels, status: number, seconds: number): void;
  /** The Prometheus text exposition and its content type. */
  render(): Promise<{ contentType: string; text: string }>;
}

export function createMetrics(): ServerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  registry.registerMetric(batchSizes);
  const requests = new Counter({
    name: 'deepline_requests_total',
    help: 'Requests to the model API, by model, version, method and HTTP status.',
    labelNames: ['model', 'version', 'method', 'status'],
    registers: [registry],
  });
  const durations = new Histogram({
    name: 'deepline_request_duration_seconds',
    help: 'Time from receiving a model API request to sending its answer.',
    labelNames: ['model', 'method'],
    buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10],
    registers: [registry],
  });
  return {
    observeRequest({ model, version, method }, status, seconds) {
      requests.inc({ model, version, method, status: String(status) });
      durations.observe({ model, method }, seconds);
    },
    async render() {
      return { contentType: registry.contentType, text: await registry.metrics() };
    },
  };
}
