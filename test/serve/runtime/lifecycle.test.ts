import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadMnist } from '../../../src/data/mnist.js';
import { loadArtifact } from '../../../src/pipeline/artifact.js';
import { openRegistry } from '../../../src/registry/index.js';
import { DeadlineError, NotFoundError, UnavailableError } from '../../../src/serve/errors.js';
import { createServing, type ModelServing, type ServingOptions } from '../../../src/serve/runtime.js';
import type { InferenceInput } from '../../../src/serve/types.js';
import { tensor } from '../../../src/tensor/creation.js';
import { type Models, mnistPngs, registerModels } from './fixtures/models.js';
import { until } from './fixtures/wait.js';

describe('the runtime under change, load and failure', () => {
  let models: Models;
  let digits: Float32Array;
  const open: ModelServing[] = [];

  beforeAll(async () => {
    models = await registerModels({ mnist: true });
    digits = (await loadMnist()).test.images.values as Float32Array;
  });

  afterAll(async () => {
    await Promise.all(open.map((s) => s.close()));
    await models?.remove();
  });

  const serve = async (options: ServingOptions) => {
    const serving = await createServing({ home: models.home, ...options });
    open.push(serving);
    return serving;
  };

  const images = (count: number): InferenceInput => ({
    kind: 'tensors',
    count,
    inputs: [digits.slice(0, count * 784)],
  });

  test('a promotion and a rollback are picked up without a restart and without failing a request', async () => {
    const serving = await serve({ models: ['churn'], reloadIntervalMs: 20 });
    const width = serving.resolve('churn', { kind: 'default' }).signature.inputs[0].shape[1];
    const failures: unknown[] = [];
    const answeredBy = new Set<number>();
    let stop = false;
    const client = async () => {
      while (!stop) {
        const version = serving.resolve('churn', { kind: 'default' });
        try {
          await serving.infer(version, {
            kind: 'tensors',
            count: 4,
            inputs: [new Float32Array(4 * width).fill(0.5)],
          });
          answeredBy.add(version.version);
        } catch (error) {
          failures.push(error);
        }
      }
    };
    const clients = Array.from({ length: 4 }, client);
    const registry = openRegistry(models.home);
    try {
      await until(() => serving.stats().batches > 5, 'some requests were answered');
      registry.promote('churn', 2, 'test: promote');
      await until(
        () => serving.resolve('churn', { kind: 'default' }).version === 2,
        'version 2 is the default',
      );
      const batches = serving.stats().batches;
      await until(() => serving.stats().batches > batches + 5, 'version 2 answered');
      // The replaced version is unloaded once its requests have finished.
      await until(() => serving.status('churn').length === 1, 'version 1 is unloaded');
      expect(serving.status('churn').map((v) => [v.version, v.stage])).toEqual([[2, 'production']]);
      registry.rollback('churn', 'test: roll back');
      await until(() => serving.resolve('churn', { kind: 'default' }).version === 1, 'version 1 is back');
    } finally {
      stop = true;
      await Promise.all(clients);
      registry.close();
    }
    expect(failures).toEqual([]);
    expect([...answeredBy].sort()).toEqual([1, 2]);
  });

  test('versions loaded on demand beyond maxVersions are unloaded, the least recently used first', async () => {
    const registry = openRegistry(models.home);
    const copy = registry.registerModel({ name: 'churn', source: `${models.home}/models/churn/2` }).version;
    registry.close();
    const serving = await serve({ models: ['churn'], maxVersions: 1 });
    const loaded = () => serving.status('churn').map((v) => v.version);
    expect(loaded()).toEqual([1]);
    await serving.load('churn', { kind: 'version', version: 2 });
    expect(loaded()).toEqual([1, 2]);
    await serving.load('churn', { kind: 'version', version: copy });
    expect(loaded()).toEqual([1, copy]);
    expect(() => serving.resolve('churn', { kind: 'version', version: 2 })).toThrow(UnavailableError);
  });

  test('the event loop stays free while the worker scores 5,000 images', async () => {
    const serving = await serve({ models: ['mnist'], maxQueue: 10_000, requestTimeoutMs: 120_000 });
    const mnist = serving.resolve('mnist', { kind: 'default' });
    const pngs = mnistPngs(digits, 5000);
    const lags: number[] = [];
    let done = false;
    const started = performance.now();
    const work = serving.infer(mnist, { kind: 'images', images: pngs }).finally(() => {
      done = true;
    });
    while (!done) {
      const before = performance.now();
      await new Promise((resolve) => setTimeout(resolve, 0));
      lags.push(performance.now() - before);
    }
    const elapsed = performance.now() - started;
    expect((await work).outputs.length).toBe(50_000);
    expect(lags.length).toBeGreaterThan(10);
    expect(Math.max(...lags)).toBeLessThan(elapsed / 10);
  });

  test('a worker that dies fails its requests in flight with UnavailableError; a new one takes the next', async () => {
    const serving = await serve({ models: ['mnist'], maxWaitMs: 0, maxQueue: 10_000 });
    const mnist = serving.resolve('mnist', { kind: 'default' });
    const inflight = serving.infer(mnist, images(5000));
    await until(() => serving.stats().batches === 1, 'the batch is in the worker');
    await serving.worker.kill();
    await expect(inflight).rejects.toBeInstanceOf(UnavailableError);
    const answer = await serving.infer(mnist, images(3));
    const artifact = await loadArtifact(`${models.home}/models/mnist/1`);
    const expected = artifact.predict([tensor(digits.slice(0, 3 * 784), { shape: [3, 28, 28, 1] })]).outputs;
    expect(Array.from(answer.outputs)).toEqual(Array.from(expected));
    await until(() => serving.ready(), 'the new worker has the model');
  });

  test('a request that waits past requestTimeoutMs fails with DeadlineError; if it had not started, it never runs', async () => {
    const serving = await serve({ models: ['mnist'], maxWaitMs: 0, maxQueue: 100_000, requestTimeoutMs: 50 });
    const mnist = serving.resolve('mnist', { kind: 'default' });
    const long = serving.infer(mnist, images(10_000));
    // Two batches go out at a time: this one is handed to the worker behind the long one…
    const next = serving.infer(mnist, images(1));
    // …and this one waits in the queue until its deadline passes.
    const queued = serving.infer(mnist, images(1));
    await expect(long).rejects.toBeInstanceOf(DeadlineError);
    await expect(next).rejects.toBeInstanceOf(DeadlineError);
    await expect(queued).rejects.toThrow(new DeadlineError('the model did not answer within 50 ms'));
    expect(serving.stats()).toEqual({ batches: 2, examples: 10_001 });
  });

  test('close() finishes the requests in flight, then refuses new ones', async () => {
    const serving = await serve({ models: ['mnist'] });
    const mnist = serving.resolve('mnist', { kind: 'default' });
    const inflight = serving.infer(mnist, images(200));
    const closed = serving.close();
    expect(serving.ready()).toBe(false);
    await expect(serving.infer(mnist, images(1))).rejects.toBeInstanceOf(UnavailableError);
    expect((await inflight).outputs.length).toBe(2000);
    await closed;
  });

  test('a model that is not in the registry fails createServing with NotFoundError', async () => {
    await expect(createServing({ home: models.home, models: ['churn', 'nope'] })).rejects.toThrow(
      new NotFoundError("no model 'nope'; models are: churn, mnist"),
    );
    await expect(createServing({ home: models.home, models: ['../x'] })).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });
});
