import type { FastifyInstance } from 'fastify';
import { PNG } from 'pngjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DeadlineError, OverloadedError, UnavailableError } from '../../../src/serve/errors.js';
import { createServer, type ServerOptions } from '../../../src/serve/server.js';
import { FakeServing } from './fake-serving.js';

// TF Serving's REST API through app.inject(). Requests marked "TF Serving docs" are taken from
// its REST API documentation (tensorflow_serving/g3doc/api_rest.md), adapted where noted to the
// fake's models; half_plus_three is the documentation's own example model.

let serving: FakeServing;
let app: FastifyInstance;

function start(options: ServerOptions = {}): void {
  app = createServer(serving, { logger: false, ...options });
}

beforeEach(() => {
  serving = new FakeServing();
  start();
});
afterEach(() => app.close());

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  app.inject({
    method: 'POST',
    url,
    payload: typeof body === 'string' ? body : JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...headers },
  });

const image = (fill: number[][][] = []) =>
  Array.from({ length: 28 }, (_, y) => fill[y] ?? Array.from({ length: 28 }, () => [0]));

function pngBase64(): string {
  const png = new PNG({ width: 28, height: 28 });
  png.data.fill(255);
  return PNG.sync.write(png).toString('base64');
}

describe('model status', () => {
  it("answers TF Serving's GetModelStatusResponse (TF Serving docs: curl /v1/models/half_plus_three)", async () => {
    const response = await app.inject('/v1/models/half_plus_three');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.json()).toEqual({
      model_version_status: [
        { version: '123', state: 'AVAILABLE', status: { error_code: 'OK', error_message: '' } },
      ],
    });
  });

  it('lists every loaded version, or the one a version or label picks, naming it in the header', async () => {
    const all = await app.inject('/v1/models/mnist');
    expect(all.json().model_version_status.map((s: { version: string }) => s.version)).toEqual(['1', '2']);
    const one = await app.inject('/v1/models/mnist/versions/1');
    expect(one.json().model_version_status).toEqual([
      { version: '1', state: 'AVAILABLE', status: { error_code: 'OK', error_message: '' } },
    ]);
    expect(one.headers['x-model-version']).toBe('1');
    const labelled = await app.inject('/v1/models/mnist/labels/production');
    expect(labelled.json().model_version_status[0].version).toBe('2');
    expect(labelled.headers['x-model-version']).toBe('2');
  });

  it('answers 404 for an unknown model, version or label, and 400 for a version that is not a number', async () => {
    for (const url of ['/v1/models/nope', '/v1/models/mnist/versions/7', '/v1/models/mnist/labels/staging']) {
      const response = await app.inject(url);
      expect(response.statusCode, url).toBe(404);
      expect(response.json().error).toMatch(/Servable not found/);
    }
    const bad = await app.inject('/v1/models/mnist/versions/latest');
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toEqual({ error: 'Failed to convert version: latest to numeric.' });
  });
});

describe('model metadata', () => {
  it("answers TF Serving's GetModelMetadataResponse with the serving_default signature", async () => {
    const response = await app.inject('/v1/models/mnist/metadata');
    expect(response.statusCode).toBe(200);
    expect(response.headers['x-model-version']).toBe('2');
    const dims = (sizes: string[]) => ({
      dim: sizes.map((size) => ({ size, name: '' })),
      unknown_rank: false,
    });
    expect(response.json()).toEqual({
      model_spec: { name: 'mnist', signature_name: '', version: '2' },
      metadata: {
        signature_def: {
          signature_def: {
            serving_default: {
              inputs: {
                image: { dtype: 'DT_FLOAT', tensor_shape: dims(['-1', '28', '28', '1']), name: 'image' },
              },
              outputs: {
                probabilities: { dtype: 'DT_FLOAT', tensor_shape: dims(['-1', '10']), name: 'probabilities' },
              },
              method_name: 'tensorflow/serving/predict',
            },
          },
        },
      },
      model_version: '2',
    });
  });

  it('describes the version or label asked for', async () => {
    expect((await app.inject('/v1/models/mnist/versions/1/metadata')).json().model_spec.version).toBe('1');
    expect((await app.inject('/v1/models/churn/labels/candidate/metadata')).json().model_spec.version).toBe(
      '4',
    );
  });
});

describe(':predict', () => {
  it('answers the row format with predictions (TF Serving docs: half_plus_three, sent as curl -d sends it)', async () => {
    const response = await post('/v1/models/half_plus_three:predict', '{"instances": [1.0,2.0,5.0]}', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['x-model-version']).toBe('123');
    expect(response.json()).toEqual({ predictions: [3.5, 4, 5.5], model_version: '123' });
  });

  it('answers the columnar format with outputs', async () => {
    const response = await post('/v1/models/half_plus_three:predict', { inputs: [1.0, 2.0, 5.0] });
    expect(response.json()).toEqual({ outputs: [3.5, 4, 5.5], model_version: '123' });
  });

  it('takes named inputs per instance and answers named outputs per prediction (TF Serving docs, "tag" left out)', async () => {
    const response = await post('/v1/models/sensors:predict', {
      instances: [
        {
          signal: [1, 2, 3, 4, 5],
          sensor: [
            [1, 2],
            [3, 4],
          ],
        },
        {
          signal: [3, 4, 1, 2, 5],
          sensor: [
            [4, 5],
            [6, 8],
          ],
        },
      ],
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().predictions).toEqual([
      { total: 15, diagonal: [1, 4] },
      { total: 15, diagonal: [4, 8] },
    ]);
    const [call] = serving.calls;
    expect(call.input).toEqual({
      kind: 'tensors',
      count: 2,
      inputs: [Float32Array.of(1, 2, 3, 4, 5, 3, 4, 1, 2, 5), Float32Array.of(1, 2, 3, 4, 4, 5, 6, 8)],
    });
  });

  it('takes the columnar form of the same request and answers an object of outputs (TF Serving docs)', async () => {
    const response = await post('/v1/models/sensors:predict', {
      inputs: {
        signal: [
          [1, 2, 3, 4, 5],
          [3, 4, 1, 2, 5],
        ],
        sensor: [
          [
            [1, 2],
            [3, 4],
          ],
          [
            [4, 5],
            [6, 8],
          ],
        ],
      },
    });
    expect(response.json()).toEqual({
      outputs: {
        total: [15, 15],
        diagonal: [
          [1, 4],
          [4, 8],
        ],
      },
      model_version: '1',
    });
  });

  it('writes float32 outputs as their shortest decimals, nested to the output shape', async () => {
    const response = await post('/v1/models/mnist:predict', {
      signature_name: 'serving_default',
      instances: [image()],
    });
    expect(response.statusCode).toBe(200);
    const [prediction] = response.json().predictions;
    expect(prediction).toEqual([0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.91, 0.01, 0.01]);
    expect(response.body).not.toContain('0.009999');
  });

  it('takes a single input keyed by its name, and int32 inputs as integers', async () => {
    const keyed = await post('/v1/models/mnist:predict', { instances: [{ image: image() }] });
    expect(keyed.statusCode).toBe(200);
    const churn = await post('/v1/models/churn:predict', {
      instances: [
        { features: [1, 2, 3], contract: [0] },
        { features: [4, 5, 6], contract: [2] },
      ],
    });
    expect(churn.json().predictions).toEqual([[0.8], [0.1]]);
  });

  it('names the instance, the expected shape and the shape it got', async () => {
    const short = image();
    short[27] = Array.from({ length: 28 }, () => [0]);
    const instances = [image(), image(), image(), Array.from({ length: 28 }, () => Array(28).fill(0))];
    const response = await post('/v1/models/mnist:predict', { instances });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ error: 'instances[3]: expected shape [28, 28, 1], got [28, 28]' });
    const ragged = image();
    ragged[5] = ragged[5].slice(0, 27);
    const deep = await post('/v1/models/mnist:predict', { instances: [ragged] });
    expect(deep.json().error).toBe('instances[0][5]: expected a list of 28, got a list of 27');
    const columnar = await post('/v1/models/sensors:predict', {
      inputs: { signal: [[1, 2, 3, 4, 5]], sensor: [[1, 2, 3, 4]] },
    });
    expect(columnar.json().error).toBe('inputs.sensor[0]: expected shape [2, 2], got [4]');
  });

  it('takes numbers only, within float32 and int32 range', async () => {
    const cases: [string, unknown, string][] = [
      [
        'half_plus_three',
        { instances: [1, '2'] },
        'instances[1]: expected a number (DT_FLOAT), got a string',
      ],
      ['half_plus_three', { instances: ['NaN'] }, 'instances[0]: expected a number (DT_FLOAT), got a string'],
      ['half_plus_three', { instances: [true] }, 'instances[0]: expected a number (DT_FLOAT), got true'],
      ['half_plus_three', { instances: [null] }, 'instances[0]: expected a number (DT_FLOAT), got null'],
      [
        'half_plus_three',
        { instances: [1e39] },
        'instances[0]: 1e+39 does not fit in a 32-bit float (DT_FLOAT)',
      ],
      [
        'churn',
        { instances: [{ features: [1, 2, 3], contract: [1.5] }] },
        'instances[0].contract[0]: 1.5 is not a 32-bit integer (DT_INT32)',
      ],
      [
        'half_plus_three',
        { instances: [{ b64: 'AAAA' }] },
        'instances[0]: :predict takes numbers here; send binary values such as {"b64": …} to :classify',
      ],
    ];
    for (const [model, body, error] of cases) {
      const response = await post(`/v1/models/${model}:predict`, body);
      expect(response.statusCode, error).toBe(400);
      expect(response.json()).toEqual({ error });
    }
    // A bare NaN token is not JSON.
    expect((await post('/v1/models/half_plus_three:predict', '{"instances": [NaN]}')).statusCode).toBe(400);
  });

  it('refuses malformed requests with a 400 that says what is wrong', async () => {
    const cases: [unknown, RegExp][] = [
      [{ instances: [1], inputs: [1] }, /either 'instances'.*or 'inputs'/],
      [{ examples: [1] }, /Missing 'inputs' or 'instances' key/],
      [{ instances: [] }, /instances: the list is empty/],
      [{ instances: 5 }, /instances: expected a list/],
      [{ instances: [1], signature_name: 'other' }, /Serving signature name: "other" not found/],
      [{ instances: [1], signature_name: 7 }, /'signature_name' must be a string/],
      [[1, 2], /must be a JSON object, got a list of 2/],
      [{ instances: Array(1025).fill(1) }, /instances: 1025 examples; at most 1024 per request/],
    ];
    for (const [body, error] of cases) {
      const response = await post('/v1/models/half_plus_three:predict', body);
      expect(response.statusCode, String(error)).toBe(400);
      expect(response.json().error).toMatch(error);
    }
    const named: [unknown, string][] = [
      [{ instances: [{ signal: [1, 2, 3, 4, 5] }] }, 'instances[0]: missing input "sensor"'],
      [
        {
          instances: [
            {
              signal: [1, 2, 3, 4, 5],
              sensor: [
                [1, 2],
                [3, 4],
              ],
              tag: 'foo',
            },
          ],
        },
        'instances[0]: unknown input "tag"; the inputs are signal, sensor',
      ],
      [
        { instances: [[1, 2, 3, 4, 5]] },
        'instances[0]: expected an object keyed by input name (signal, sensor), got a list of 5',
      ],
      [
        { inputs: { signal: [[1, 2, 3, 4, 5]], sensor: [] } },
        'inputs.sensor: the list is empty; send at least one example',
      ],
      [
        {
          inputs: {
            signal: [
              [1, 2, 3, 4, 5],
              [1, 2, 3, 4, 5],
            ],
            sensor: [
              [
                [1, 2],
                [3, 4],
              ],
            ],
          },
        },
        'inputs.sensor: 1 examples, but inputs.signal has 2; every input needs one entry per example',
      ],
    ];
    for (const [body, error] of named) {
      const response = await post('/v1/models/sensors:predict', body);
      expect(response.json()).toEqual({ error });
    }
  });

  it('bounds the values in a request and the nesting of its body', async () => {
    start({ maxValues: 1000 });
    const two = await post('/v1/models/mnist:predict', { instances: [image(), image()] });
    expect(two.statusCode).toBe(400);
    expect(two.json().error).toBe('the request holds 1568 values; at most 1000 per request');
    const deep = await post(
      '/v1/models/half_plus_three:predict',
      `{"instances": ${'['.repeat(9)}${']'.repeat(9)}}`,
    );
    expect(deep.statusCode).toBe(400);
    expect(deep.json().error).toBe('the JSON body nests lists and objects deeper than 8 levels');
    // Brackets inside strings are not nesting.
    const quoted = await post('/v1/models/half_plus_three:predict', {
      instances: [1],
      signature_name: '[[[[[[[[[[',
    });
    expect(quoted.json().error).toMatch(/Serving signature name/);
  });
});

describe(':classify and :regress', () => {
  it('classifies records, filling context into each example and leaving other keys out', async () => {
    const response = await post('/v1/models/churn:classify', {
      context: { contract: 'month-to-month', paperless: true },
      examples: [
        { tenure: 5, monthly_charges: 70.5, customer_id: 'C-1' },
        { tenure: [40], contract: 'two year', paperless: null },
      ],
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['x-model-version']).toBe('3');
    const result = [
      [
        ['no', 0.2],
        ['yes', 0.8],
      ],
      [
        ['no', 0.9],
        ['yes', 0.1],
      ],
    ];
    expect(response.json()).toEqual({ result, results: result, model_version: '3' });
    expect(serving.calls[0].input).toEqual({
      kind: 'records',
      records: [
        { tenure: 5, contract: 'month-to-month', monthly_charges: 70.5, paperless: true },
        { tenure: 40, contract: 'two year', paperless: null },
      ],
    });
  });

  it('answers from the version or label asked for', async () => {
    const body = { examples: [{ tenure: 1 }] };
    expect((await post('/v1/models/churn/versions/4:classify', body)).headers['x-model-version']).toBe('4');
    expect((await post('/v1/models/churn/labels/candidate:classify', body)).json().model_version).toBe('4');
  });

  it('fails the whole request, naming the example, when the runtime rejects a record', async () => {
    const response = await post('/v1/models/churn:classify', { examples: [{ tenure: 1 }, { tenure: -3 }] });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ error: 'examples[1]: tenure: missing or negative' });
  });

  it('refuses examples that are not records of the model', async () => {
    const cases: [unknown, string][] = [
      [{ examples: [{ tenure: 1 }, 'x'] }, 'examples[1]: expected an object of column values, got a string'],
      [
        { examples: [{ tenure: { a: 1 } }] },
        'examples[0].tenure: expected a number, string, boolean or null, got an object',
      ],
      [
        { examples: [{ tenure: [1, 2] }] },
        'examples[0].tenure: expected a number, string, boolean or null, got a list of 2',
      ],
      [
        { examples: [{ id: 1 }] },
        "examples[0]: none of the model's columns is present; they are tenure, contract, monthly_charges, paperless",
      ],
      [
        { examples: [{ tenure: 1 }], context: [1] },
        'context: expected an object of column values shared by every example, got a list of 1',
      ],
      [{ instances: [1] }, "Missing 'examples' key: a list of objects of column values"],
    ];
    for (const [body, error] of cases) {
      const response = await post('/v1/models/churn:classify', body);
      expect(response.statusCode, error).toBe(400);
      expect(response.json()).toEqual({ error });
    }
  });

  it('classifies an image sent as {"b64": …} (TF Serving docs: the "image" feature)', async () => {
    const b64 = pngBase64();
    const response = await post('/v1/models/mnist:classify', { examples: [{ image: { b64 } }] });
    expect(response.statusCode).toBe(200);
    const [scores] = response.json().result;
    expect(scores).toHaveLength(10);
    expect(scores[7]).toEqual(['7', 0.91]);
    const { input } = serving.calls[0];
    expect(input.kind).toBe('images');
    expect(input.kind === 'images' && Buffer.from(input.images[0]).toString('base64')).toBe(b64);
  });

  it('refuses images that are missing, not base64, or not PNG or JPEG', async () => {
    // The documentation's own example bytes ("image bytes") are not an image file.
    const cases: [unknown, string][] = [
      [
        { image: { b64: 'aW1hZ2UgYnl0ZXM=' }, caption: 'seaside' },
        'examples[0].image: the decoded bytes are not a PNG or JPEG image',
      ],
      [{ image: { b64: 'not base64!' } }, 'examples[0].image: the "b64" value is not valid base64'],
      [
        { image: 'iVBORw0KGgo=' },
        'examples[0].image: expected the image as {"b64": "<base64 of a PNG or JPEG file>"}',
      ],
      [
        { picture: { b64: pngBase64() } },
        'examples[0].image: expected the image as {"b64": "<base64 of a PNG or JPEG file>"}',
      ],
    ];
    for (const [example, error] of cases) {
      const response = await post('/v1/models/mnist:classify', { examples: [example] });
      expect(response.json()).toEqual({ error });
    }
    expect(serving.calls).toHaveLength(0);
  });

  it('regresses (TF Serving docs: half_plus_three with signature_name tensorflow/serving/regress)', async () => {
    const response = await post(
      '/v1/models/half_plus_three:regress',
      '{"signature_name": "tensorflow/serving/regress", "examples": [{"x": 1.0}, {"x": 2.0}]}',
    );
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ result: [3.5, 4], results: [3.5, 4], model_version: '123' });
  });

  it('refuses a method the model does not have', async () => {
    const response = await post('/v1/models/half_plus_three:classify', { examples: [{ x: 1 }] });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({
      error: 'model "half_plus_three" version 123 does not support classify; it supports predict, regress',
    });
  });
});

describe('errors', () => {
  it("maps the runtime's errors to TF Serving's status codes", async () => {
    const cases: [Error, number][] = [
      [new DeadlineError('deadline exceeded after 10000 ms'), 504],
      [new OverloadedError('queue full'), 429],
      [new UnavailableError('worker restarting'), 503],
    ];
    for (const [error, status] of cases) {
      serving.failNext(error);
      const response = await post('/v1/models/half_plus_three:predict', { instances: [1] });
      expect(response.statusCode).toBe(status);
      expect(response.json()).toEqual({ error: error.message });
    }
  });

  it('answers anything unexpected with a bare 500', async () => {
    serving.failNext(new Error('ENOENT: /home/secret/models/mnist/weights.bin'));
    const failed = await post('/v1/models/half_plus_three:predict', { instances: [1] });
    expect(failed.statusCode).toBe(500);
    expect(failed.body).toBe('{"error":"internal error"}');
    serving.answerNext({ outputs: new Float32Array(3), width: 1 });
    const wrong = await post('/v1/models/half_plus_three:predict', { instances: [1, 2] });
    expect(wrong.statusCode).toBe(500);
    expect(wrong.json()).toEqual({ error: 'internal error' });
  });

  it('answers 405 for a wrong method and 404 JSON for an unknown route', async () => {
    const get = await app.inject('/v1/models/half_plus_three:predict');
    expect(get.statusCode).toBe(405);
    expect(get.headers.allow).toBe('POST');
    expect(get.json().error).toMatch(/GET is not allowed/);
    const del = await app.inject({ method: 'DELETE', url: '/v1/models/half_plus_three' });
    expect(del.statusCode).toBe(405);
    expect(del.headers.allow).toBe('GET, HEAD');
    for (const url of ['/v1/models', '/v1/models/mnist:explain', '/nothing']) {
      const response = await app.inject(url);
      expect(response.statusCode, url).toBe(404);
      expect(response.json().error).toMatch(/unknown route/);
    }
  });

  it('refuses bodies that are not JSON, too large, or of a type that cannot be JSON', async () => {
    const url = '/v1/models/half_plus_three:predict';
    const malformed = await post(url, '{"instances": [1,');
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error).toMatch(/^JSON Parse error: /);
    expect((await post(url, '')).json()).toEqual({ error: 'JSON Parse error: the request body is empty' });
    const none = await app.inject({ method: 'POST', url });
    expect(none.statusCode).toBe(400);
    const binary = await app.inject({
      method: 'POST',
      url,
      payload: Buffer.from([0xff, 0xfe, 0x00, 0x81]),
      headers: { 'content-type': 'application/json' },
    });
    expect(binary.json()).toEqual({ error: 'the request body is not valid UTF-8' });
    const multipart = await post(url, '{"instances": [1]}', {
      'content-type': 'multipart/form-data; boundary=x',
    });
    expect(multipart.statusCode).toBe(415);
    expect(multipart.json().error).toMatch(/unsupported content type "multipart\/form-data"/);
    expect((await post(url, '{"instances": [1]}', { 'content-type': 'text/plain' })).statusCode).toBe(200);
    start({ bodyLimit: 1024 });
    const large = await post(url, { instances: Array(400).fill(1.5) });
    expect(large.statusCode).toBe(413);
    expect(large.json()).toEqual({ error: 'the request body is larger than 1024 bytes' });
  });

  it('rejects model names that try to leave the registry before asking the runtime', async () => {
    let asked = 0;
    const resolve = serving.resolve.bind(serving);
    serving.resolve = (name, selector) => {
      asked++;
      return resolve(name, selector);
    };
    const urls = [
      '/v1/models/..%2F..%2Fetc:predict',
      '/v1/models/%2e%2e:predict',
      '/v1/models/..:predict',
      '/v1/models/a..b:classify',
      '/v1/models/.hidden:predict',
      '/v1/models/a%00b:predict',
      `/v1/models/${'a'.repeat(129)}:predict`,
      '/v1/models/%E0%A4%A:predict',
    ];
    for (const url of urls) {
      const response = await post(url, { instances: [1] });
      expect(response.statusCode, url).toBe(400);
      expect(response.json().error, url).toMatch(/invalid model name|Failed to decode|malformed URL/);
    }
    for (const url of ['/v1/models/..%2F..%2Fetc%2Fpasswd', '/v1/models/a..b/metadata']) {
      const response = await app.inject(url);
      expect(response.statusCode, url).toBe(400);
    }
    const climbing = await app.inject('/v1/models/../../etc/passwd');
    expect(climbing.statusCode).toBe(404);
    expect(asked).toBe(0);
  });
});
