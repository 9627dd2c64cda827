import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Artifact, loadArtifact } from '../../../src/pipeline/artifact.js';
import { OverloadedError } from '../../../src/serve/errors.js';
import { createServing, type ModelServing, type ServingOptions } from '../../../src/serve/runtime.js';
import { tensor } from '../../../src/tensor/creation.js';
import { type Models, registerModels } from './fixtures/models.js';

describe('micro-batching', () => {
  let models: Models;
  let artifact: Artifact;
  let width: number;
  const open: ModelServing[] = [];

  beforeAll(async () => {
    models = await registerModels();
    artifact = await loadArtifact(`${models.home}/models/churn/1`);
    width = artifact.features!.numFeatures;
  });

  afterAll(async () => {
    await Promise.all(open.map((s) => s.close()));
    await models?.remove();
  });

  const serve = async (options: ServingOptions = {}) => {
    const serving = await createServing({ home: models.home, models: ['churn'], ...options });
    open.push(serving);
    return serving;
  };

  /** `count` rows of features that differ from request to request. */
  const rows = (request: number, count: number) =>
    Float32Array.from({ length: count * width }, (_, i) => Math.cos(request * 7 + i));

  /** Sends requests of these sizes at once; checks each answer against Artifact.predict on its own rows. */
  async function concurrently(serving: ModelServing, sizes: number[]): Promise<void> {
    const version = serving.resolve('churn', { kind: 'default' });
    const answers = await Promise.all(
      sizes.map((count, r) => serving.infer(version, { kind: 'tensors', count, inputs: [rows(r, count)] })),
    );
    sizes.forEach((count, r) => {
      const expected = artifact.predict([tensor(rows(r, count), { shape: [count, width] })]).outputs;
      expect(answers[r].outputs.length).toBe(count);
      for (const [i, value] of answers[r].outputs.entries()) expect(value).toBeCloseTo(expected[i], 6);
    });
  }

  test('50 concurrent requests take fewer worker calls, and each gets its own rows back', async () => {
    const serving = await serve();
    const sizes = Array.from({ length: 50 }, (_, i) => 1 + (i % 3));
    await concurrently(serving, sizes);
    const stats = serving.stats();
    expect(stats.examples).toBe(sizes.reduce((a, b) => a + b, 0));
    expect(stats.batches).toBeLessThan(50);
  });

  test('maxWaitMs 0 runs every request alone', async () => {
    const serving = await serve({ maxWaitMs: 0 });
    await concurrently(serving, Array(10).fill(2));
    expect(serving.stats()).toEqual({ batches: 10, examples: 20 });
  });

  test('batches hold at most maxBatchSize examples; a larger request runs alone', async () => {
    const serving = await serve({ maxBatchSize: 8, maxWaitMs: 20 });
    await concurrently(serving, Array(24).fill(1));
    expect(serving.stats()).toEqual({ batches: 3, examples: 24 });
    await concurrently(serving, [3, 3, 20]);
    expect(serving.stats()).toEqual({ batches: 5, examples: 50 });
  });

  test('more examples waiting than maxQueue are refused with OverloadedError', async () => {
    const serving = await serve({ maxQueue: 10, maxWaitMs: 200 });
    const version = serving.resolve('churn', { kind: 'default' });
    const first = serving.infer(version, { kind: 'tensors', count: 8, inputs: [rows(0, 8)] });
    const second = serving.infer(version, { kind: 'tensors', count: 8, inputs: [rows(1, 8)] });
    await expect(second).rejects.toBeInstanceOf(OverloadedError);
    expect((await first).outputs.length).toBe(8);
  });
});
