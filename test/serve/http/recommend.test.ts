import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServer } from '../../../src/serve/server.js';
import { FakeServing } from './fake-serving.js';

// :recommend on models that are not recommenders; recommenders themselves are served for real in
// test/apps/recommender.test.ts.

let serving: FakeServing;
let app: FastifyInstance;

beforeEach(() => {
  serving = new FakeServing();
  app = createServer(serving, { logger: false });
});
afterEach(() => app.close());

const post = (url: string, body: unknown) =>
  app.inject({
    method: 'POST',
    url,
    payload: JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  });

describe(':recommend', () => {
  it('a classifier answers 400 saying it is not a recommender, naming its version', async () => {
    const response = await post('/v1/models/churn:recommend', { customer: '17850', k: 10 });
    expect(response.statusCode).toBe(400);
    expect(response.headers['x-model-version']).toBe('3');
    expect(response.json().error).toMatch(
      /model 'churn' version 3 is not a recommender: :recommend needs a model trained with data\.task recommendation/,
    );
  });

  it('is routed under /versions and /labels like the other verbs, and only for POST', async () => {
    const versioned = await post('/v1/models/churn/versions/4:recommend', { customer: '1' });
    expect(versioned.statusCode).toBe(400);
    expect(versioned.json().error).toMatch(/version 4 is not a recommender/);
    const get = await app.inject('/v1/models/churn:recommend');
    expect(get.statusCode).toBe(405);
    const unknown = await post('/v1/models/nobody:recommend', { customer: '1' });
    expect(unknown.statusCode).toBe(404);
  });
});
