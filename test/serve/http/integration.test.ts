import { PNG } from 'pngjs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type RunningServer, serve } from '../../../src/serve/server.js';
import { churnRecords, type Models, registerModels } from '../runtime/fixtures/models.js';

// serve() end to end: a registry with real trained churn and MNIST models, the real runtime, real HTTP.

let models: Models;
let server: RunningServer;

beforeAll(async () => {
  models = await registerModels({ mnist: true });
  server = await serve({ home: models.home, models: ['churn', 'mnist'], port: 0, logger: false });
});
afterAll(async () => {
  await server?.close();
  await models?.remove();
});

const post = (path: string, body: unknown) =>
  fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

it('serves a registered model: status, metadata, :classify on raw records and :predict on features', async () => {
  const status = await (await fetch(`${server.url}/v1/models/churn`)).json();
  expect(status.model_version_status).toContainEqual({
    version: '1',
    state: 'AVAILABLE',
    status: { error_code: 'OK', error_message: '' },
  });

  const metadata = await (await fetch(`${server.url}/v1/models/churn/metadata`)).json();
  const signature = metadata.metadata.signature_def.signature_def.serving_default;
  expect(metadata.model_spec).toEqual({ name: 'churn', signature_name: '', version: '1' });

  const classified = await post('/v1/models/churn:classify', { examples: await churnRecords(3) });
  expect(classified.status).toBe(200);
  expect(classified.headers.get('x-model-version')).toBe('1');
  const { result, model_version } = await classified.json();
  expect(model_version).toBe('1');
  expect(result).toHaveLength(3);
  for (const scores of result) {
    expect(scores.map(([label]: [string]) => label)).toEqual(['No', 'Yes']);
    expect(scores[0][1] + scores[1][1]).toBeCloseTo(1, 5);
  }

  // Zeros of the width the metadata gives, for each input it lists.
  const instance = Object.fromEntries(
    Object.entries(signature.inputs as Record<string, { tensor_shape: { dim: { size: string }[] } }>).map(
      ([name, info]) => [name, Array(Number(info.tensor_shape.dim[1].size)).fill(0)],
    ),
  );
  const predicted = await post('/v1/models/churn:predict', { instances: [instance, instance] });
  expect(predicted.status).toBe(200);
  const { predictions } = await predicted.json();
  expect(predictions).toHaveLength(2);
  expect(predictions[0]).toEqual(predictions[1]);

  // A version that is not served is loaded on first use; until then the runtime answers 503.
  const examples = { examples: await churnRecords(1) };
  let candidate = await post('/v1/models/churn/labels/candidate:classify', examples);
  for (let tries = 0; candidate.status === 503 && tries < 100; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    candidate = await post('/v1/models/churn/labels/candidate:classify', examples);
  }
  expect(candidate.status).toBe(200);
  expect(candidate.headers.get('x-model-version')).toBe('2');
});

it('classifies an image sent as {"b64": …} with the real CNN', async () => {
  const png = new PNG({ width: 28, height: 28 });
  png.data.fill(0);
  for (let y = 4; y < 24; y++) png.data.set([255, 255, 255, 255], (y * 28 + 14) * 4);
  const b64 = PNG.sync.write(png).toString('base64');
  const response = await post('/v1/models/mnist:classify', { examples: [{ image: { b64 } }] });
  expect(response.status).toBe(200);
  const [scores] = (await response.json()).result as [string, number][][];
  expect(scores.map(([label]) => label)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  expect(scores.reduce((sum, [, score]) => sum + score, 0)).toBeCloseTo(1, 4);
});
