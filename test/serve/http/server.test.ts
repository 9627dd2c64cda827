import { afterEach, describe, expect, it } from 'vitest';
import { observeBatch } from '../../../src/serve/metrics.js';
import { createServer, listen, type RunningServer } from '../../../src/serve/server.js';
import { FakeServing } from './fake-serving.js';

// Probes, metrics, logs, pages and shutdown: what runs around the REST API.

const json = { 'content-type': 'application/json' };
const predict = (instances: unknown[]) => ({
  method: 'POST' as const,
  url: '/v1/models/half_plus_three:predict',
  payload: JSON.stringify({ instances }),
  headers: json,
});

let running: RunningServer | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

describe('probes', () => {
  it('answers /healthz while the process runs and /readyz once the models are loaded', async () => {
    const serving = new FakeServing();
    serving.isReady = false;
    const app = createServer(serving, { logger: false });
    expect((await app.inject('/healthz')).json()).toEqual({ status: 'ok' });
    const waiting = await app.inject('/readyz');
    expect(waiting.statusCode).toBe(503);
    expect(waiting.json().error).toMatch(/not ready/);
    serving.isReady = true;
    const ready = await app.inject('/readyz');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready' });
    const posted = await app.inject({ method: 'POST', url: '/healthz' });
    expect(posted.statusCode).toBe(405);
    expect(posted.json().error).toMatch(/POST is not allowed/);
  });
});

describe('metrics', () => {
  it('counts requests by model, version, method and status, times them, and exports batch sizes', async () => {
    const app = createServer(new FakeServing(), { logger: false });
    await app.inject(predict([1]));
    await app.inject(predict([1, 2]));
    await app.inject({ ...predict([]), payload: '{"instances": [' });
    await app.inject({ ...predict([1]), url: '/v1/models/made-up-name:predict' });
    await app.inject('/v1/models/mnist/labels/production/metadata');
    observeBatch(8);
    const response = await app.inject('/metrics');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    const text = response.body;
    expect(text).toContain(
      'deepline_requests_total{model="half_plus_three",version="123",method="predict",status="200"} 2',
    );
    // A body refused before it reached the handler still counts, against the model it was for.
    expect(text).toContain(
      'deepline_requests_total{model="half_plus_three",version="",method="predict",status="400"} 1',
    );
    // Names that are not served are not labels, so made-up names cannot grow the metrics.
    expect(text).toContain('deepline_requests_total{model="",version="",method="predict",status="404"} 1');
    expect(text).not.toContain('made-up-name');
    expect(text).toContain(
      'deepline_requests_total{model="mnist",version="2",method="metadata",status="200"} 1',
    );
    expect(text).toContain(
      'deepline_request_duration_seconds_count{model="half_plus_three",method="predict"} 3',
    );
    expect(text).toMatch(/deepline_batch_size_bucket\{le="8"\} [1-9]/);
    expect(text).toContain('process_resident_memory_bytes');
  });
});

describe('logs', () => {
  it('writes one JSON line per request with its model and version, and internal detail only to the log', async () => {
    const lines: Record<string, unknown>[] = [];
    const serving = new FakeServing();
    const app = createServer(serving, {
      logger: { stream: { write: (line) => lines.push(JSON.parse(line)) } },
    });
    await app.inject(predict([1]));
    await app.inject('/healthz');
    serving.failNext(new Error('ENOENT: /srv/secret/weights.bin'));
    const failed = await app.inject(predict([1]));
    expect(failed.body).not.toContain('secret');
    const requests = lines.filter((line) => line.msg === 'request');
    expect(requests).toHaveLength(3);
    expect(requests[0]).toMatchObject({
      level: 30,
      method: 'POST',
      url: '/v1/models/half_plus_three:predict',
      status: 200,
      model: 'half_plus_three',
      version: '123',
    });
    expect(typeof requests[0].durationMs).toBe('number');
    expect(requests[1]).toMatchObject({ url: '/healthz', status: 200 });
    expect(requests[1].model).toBeUndefined();
    expect(requests[2]).toMatchObject({ status: 500, model: 'half_plus_three' });
    const internal = lines.find((line) => line.msg === 'internal error') as { err: { message: string } };
    expect(internal.err.message).toContain('/srv/secret/weights.bin');
  });
});

describe('pages', () => {
  it('lists the models at / and serves a page per model under a strict content security policy', async () => {
    const app = createServer(new FakeServing(), { logger: false });
    const index = await app.inject('/');
    expect(index.headers['content-type']).toMatch(/^text\/html/);
    expect(index.body).toContain('<a href="/models/churn">churn</a>');
    const page = await app.inject('/models/churn');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-security-policy']).toMatch(/default-src 'none'; script-src 'sha256-/);
    expect(page.body).toContain('<input id="col-0" type="number" step="1">');
    expect(page.body).toMatch(/<datalist id="col-1-values"><option value="month-to-month">/);
    expect(page.body).not.toMatch(/<(script|link|img)[^>]+(src|href)="https?:/);
    const unknown = await app.inject('/models/nope');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error).toMatch(/no model named "nope"/);
  });
});

describe('timeouts and shutdown', () => {
  it('answers 504 when no answer comes in time', async () => {
    const serving = new FakeServing();
    serving.delayMs = 1500;
    const app = createServer(serving, { logger: false, requestTimeoutMs: 100 });
    const response = await app.inject(predict([1]));
    expect(response.statusCode).toBe(504);
    expect(response.json()).toEqual({ error: 'no answer within 1100 ms' });
  });

  it('binds to 127.0.0.1, finishes requests in flight on close, then closes the runtime', async () => {
    const serving = new FakeServing();
    serving.delayMs = 300;
    let completedAtClose = -1;
    const closeServing = serving.close.bind(serving);
    serving.close = () => {
      completedAtClose = serving.completed;
      return closeServing();
    };
    const server = await listen(serving, { port: 0, logger: false });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const url = `${server.url}/v1/models/half_plus_three:predict`;
    const inFlight = fetch(url, { method: 'POST', headers: json, body: '{"instances": [1]}' });
    while (serving.calls.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const closed = server.close();
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ predictions: [3.5], model_version: '123' });
    await closed;
    expect(serving.closed).toBe(true);
    expect(completedAtClose).toBe(1);
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
  });
});
