import { afterAll, beforeAll, expect, it } from 'vitest';
import { seededRandom } from '../../../src/data/sketch.js';
import { listen, type RunningServer } from '../../../src/serve/server.js';
import { FakeServing } from './fake-serving.js';

// A few thousand malformed bodies, drawn from a seeded stream, sent over real HTTP with keep-alive:
// every one must be answered with a 4xx and a JSON {error}, and the server must keep serving.

const random = seededRandom(7);
const int = (n: number): number => Math.floor(random() * n);
const pick = <T>(items: readonly T[]): T => items[int(items.length)];

const endpoints = ['predict', 'classify', 'regress'].flatMap((verb) =>
  ['half_plus_three', 'mnist', 'churn', 'sensors'].map((model) => `/v1/models/${model}:${verb}`),
);

interface Case {
  kind: string;
  path: string;
  body: string | Uint8Array<ArrayBuffer>;
  contentType?: string;
}

const image = (rows = 28, columns = 28, channels: number[] = [0]) =>
  Array.from({ length: rows }, () => Array.from({ length: columns }, () => channels));

function scalar(): unknown {
  return pick([
    () => random() * 10 ** int(40) * (random() < 0.5 ? -1 : 1),
    () => pick(['', 'NaN', 'Infinity', '-inf', '1.0', 'null', '\u0000', '💥', 'a'.repeat(int(50))]),
    () => pick([true, false, null]),
    () => int(1000),
  ])();
}

function value(depth: number): unknown {
  if (depth <= 0 || random() < 0.3) return scalar();
  if (random() < 0.5) return Array.from({ length: int(4) }, () => value(depth - 1));
  return Object.fromEntries(
    Array.from({ length: int(4) }, () => [
      pick(['a', 'x', 'b64', 'image', 'tenure', '__proto__', '']),
      value(depth - 1),
    ]),
  );
}

/** Bodies that are valid for some endpoint, to be broken by the generators below. */
const validBodies = [
  { instances: [1, 2, 5] },
  { inputs: [1, 2, 5] },
  { instances: [image()] },
  {
    instances: [
      {
        signal: [1, 2, 3, 4, 5],
        sensor: [
          [1, 2],
          [3, 4],
        ],
      },
    ],
  },
  { examples: [{ tenure: 3, contract: 'one year' }], context: { paperless: true } },
  { signature_name: 'tensorflow/serving/regress', examples: [{ x: 1 }, { x: 2 }] },
];

const generators: Record<string, () => Omit<Case, 'kind'>> = {
  'a JSON value that is not an object': () => ({
    path: pick(endpoints),
    body: JSON.stringify(pick([scalar(), [value(3)], Array.from({ length: int(5) }, scalar)])),
  }),
  'an object with none of the keys asked for': () => ({
    path: pick(endpoints),
    body: JSON.stringify({ [pick(['instance', 'Inputs', 'example', 'data', 'signature_name'])]: value(3) }),
  }),
  'truncated JSON': () => {
    const text = JSON.stringify(pick(validBodies));
    return { path: pick(endpoints), body: text.slice(0, int(text.length)) };
  },
  'tensors nested wrongly': () => ({
    path: '/v1/models/mnist:predict',
    body: JSON.stringify({
      instances: [
        image(),
        pick([
          image(28, 28, []),
          image(27),
          image(28, 29),
          image(28, 28, [0, 0]),
          image().flat(),
          [image()],
          image()[0],
        ]),
      ],
    }),
  }),
  'named inputs wrongly': () => ({
    path: '/v1/models/sensors:predict',
    body: JSON.stringify(
      pick([
        { instances: [{ signal: [1, 2, 3, 4, 5] }] },
        {
          instances: [
            {
              signal: [1, 2, 3, 4],
              sensor: [
                [1, 2],
                [3, 4],
              ],
            },
          ],
        },
        { instances: [[1, 2, 3, 4, 5]] },
        {
          inputs: {
            signal: [[1, 2, 3, 4, 5]],
            sensor: [
              [
                [1, 2],
                [3, 4],
              ],
            ],
            extra: [1],
          },
        },
        { inputs: [[1, 2, 3, 4, 5]] },
        { inputs: { signal: value(2), sensor: value(2) } },
      ]),
    ),
  }),
  'numbers out of range': () => ({
    path: pick(['/v1/models/half_plus_three:predict', '/v1/models/churn:predict']),
    body: pick([
      `{"instances": [${pick(['1e39', '-1e39', '1e400', '-1e400', '3.5e38'])}]}`,
      `{"instances": [{"features": [1, 2, 3], "contract": [${pick(['1e10', '0.5', '-2147483649', '1e400'])}]}]}`,
    ]),
  }),
  'strings where numbers go': () => ({
    path: pick(['/v1/models/half_plus_three:predict', '/v1/models/mnist:predict']),
    body: JSON.stringify({ instances: [pick(['1.0', 'NaN', 'Infinity', '', '0x10', { b64: 'AAAA' }])] }),
  }),
  'NaN and Infinity tokens': () => ({
    path: pick(endpoints),
    body: `{"instances": [${pick(['NaN', 'Infinity', '-Infinity', 'nan', 'inf', 'undefined', '+1', '.5', '01'])}]}`,
  }),
  'deep nesting': () => {
    const depth = 9 + int(5000);
    return {
      path: pick(endpoints),
      body: `{"instances": ${'['.repeat(depth)}${random() < 0.5 ? ']'.repeat(depth) : ''}}`,
    };
  },
  'a content type that cannot hold JSON': () => ({
    path: pick(endpoints),
    body: JSON.stringify(pick(validBodies)),
    contentType: pick([
      'multipart/form-data; boundary=x',
      'application/octet-stream',
      'image/png',
      'application/xml',
    ]),
  }),
  'an empty body': () => ({
    path: pick(endpoints),
    body: '',
    contentType: pick(['application/json', 'text/plain', 'application/x-www-form-urlencoded']),
  }),
  'binary garbage': () => ({
    path: pick(endpoints),
    body: Uint8Array.from({ length: 1 + int(2000) }, () => int(256)),
  }),
  'too many examples': () =>
    random() < 0.5
      ? {
          path: '/v1/models/half_plus_three:predict',
          body: JSON.stringify({ instances: Array(1025 + int(100)).fill(1) }),
        }
      : {
          path: '/v1/models/churn:classify',
          body: JSON.stringify({ examples: Array(1025).fill({ tenure: 1 }) }),
        },
  'malformed examples': () => ({
    path: pick([
      '/v1/models/churn:classify',
      '/v1/models/mnist:classify',
      '/v1/models/half_plus_three:regress',
    ]),
    body: JSON.stringify(
      pick([
        { examples: pick([scalar(), { tenure: value(2) }]) },
        { examples: [value(2), 'x'] },
        { examples: [{ tenure: { a: 1 } }] },
        { examples: [{ x: [1, 2] }] },
        { examples: [{ image: { b64: 'not base64!' } }] },
        { examples: [{ image: { b64: 'aW1hZ2UgYnl0ZXM=' } }] },
        { examples: [{ image: { b64: 'iVBORw0KGgo=', extra: 1 } }] },
        { examples: [{ tenure: 1 }], context: [1] },
        { examples: [{ id: 7 }] },
        { examples: [] },
      ]),
    ),
  }),
  'random values in valid places': () =>
    random() < 0.7
      ? {
          path: '/v1/models/mnist:predict',
          body: JSON.stringify(pick([{ instances: [value(4)] }, { inputs: value(4) }])),
        }
      : {
          path: '/v1/models/churn:classify',
          body: JSON.stringify({
            examples: [{ tenure: 1, contract: pick([[value(2), value(2)], { a: value(2) }]) }],
          }),
        },
};

let server: RunningServer;
beforeAll(async () => {
  server = await listen(new FakeServing(), { port: 0, logger: false });
});
afterAll(() => server.close());

async function send({
  path,
  body,
  contentType,
}: Omit<Case, 'kind'>): Promise<{ status: number; text: string }> {
  const headers: Record<string, string> = {};
  if (contentType !== undefined || typeof body === 'string')
    headers['content-type'] = contentType ?? 'application/json';
  else headers['content-type'] = pick(['application/json', 'text/plain']);
  const response = await fetch(`${server.url}${path}`, { method: 'POST', headers, body });
  return { status: response.status, text: await response.text() };
}

it('answers thousands of malformed bodies with a 4xx and a JSON error, and keeps serving', async () => {
  const kinds = Object.keys(generators);
  const cases: Case[] = Array.from({ length: 3000 }, (_, i) => {
    const kind = kinds[i % kinds.length];
    return { kind, ...generators[kind]() };
  });
  const failures: string[] = [];
  const statuses = new Set<number>();
  let next = 0;
  const worker = async () => {
    while (next < cases.length) {
      const item = cases[next++];
      const { status, text } = await send(item);
      statuses.add(status);
      let error: unknown;
      try {
        error = JSON.parse(text).error;
      } catch {}
      if (status < 400 || status > 499 || typeof error !== 'string' || /\n\s+at /.test(error))
        failures.push(`${item.kind}: ${item.path} → ${status} ${text.slice(0, 200)}`);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  expect(failures.slice(0, 10)).toEqual([]);
  expect([...statuses].sort()).toEqual([400, 415]);

  const oversized = await send({
    path: '/v1/models/half_plus_three:predict',
    body: `{"instances": [${'1,'.repeat(2_200_000)}1]}`,
  });
  expect(oversized.status).toBe(413);

  const valid = await send({
    path: '/v1/models/half_plus_three:predict',
    body: '{"instances": [1.0, 2.0, 5.0]}',
  });
  expect(valid).toEqual({ status: 200, text: '{"predictions":[3.5,4,5.5],"model_version":"123"}' });
  expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
});
