import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { deepline, finished, listening, start, tempDir } from '../cli/helpers.js';

// The recommender template as a user runs it, on a slice of Online Retail so that it stays fast:
// init → run (three models compared, registered, report) → serve → :recommend.

describe('deepline init recommender', () => {
  test('runs on a slice, registers NCF, reports the three models, and answers :recommend', async () => {
    const dir = tempDir();
    const env = { DEEPLINE_HOME: join(dir, 'home') };
    const init = await deepline(['init', 'recommender'], dir);
    expect(init.code, init.stderr).toBe(0);
    expect(existsSync(join(dir, 'data', 'online-retail', 'online_retail.csv.gz'))).toBe(true);
    // The first 60,000 lines are December 2010 and January 2011: a 7-day test window fits them.
    const yaml = readFileSync(join(dir, 'pipeline.yaml'), 'utf8')
      .replace('task: recommendation', 'task: recommendation\n  limit: 60000')
      .replace(/testDays: \d+/, 'testDays: 7')
      .replace(/epochs: \d+/, 'epochs: 2')
      .replace(/- hr_at_10 >= [\d.]+/, '- hr_at_10 >= 0.05')
      // Two epochs on a month of data need not beat popularity; the full run's gate asks for it.
      .replace(/ *- ndcg_at_10_over_popularity.*\n/, '');
    writeFileSync(join(dir, 'pipeline.yaml'), yaml);

    const run = await deepline(['run', 'pipeline.yaml'], dir, env);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    for (const model of ['popularity', 'matrix factorisation', 'neural collaborative filtering'])
      expect(run.stdout).toMatch(
        new RegExp(`^${model}: HR@10 [\\d.]+, NDCG@10 [\\d.]+, recall@10 [\\d.e-]+$`, 'm'),
      );
    expect(run.stdout).toMatch(/^value per 1,000 customers shown the top 10: .* GBP .*against popularity$/m);
    expect(run.stdout).toMatch(/registered recommender v1 as production \(promoted\)/);
    const reportPath = run.stdout.match(/^report: (.+)$/m)![1];
    const report = readFileSync(join(dir, reportPath), 'utf8');
    expect(report).toContain('id="ranking"');
    expect(report).toContain('neural collaborative filtering');
    expect(report).toMatch(/Revenue per 1,000 customers/);
    expect(report).toContain('non-product code');

    const server = start(['serve', '--port', '0'], dir, env);
    const done = finished(server);
    const url = await listening(server);
    const ask = async (body: unknown, path = 'recommender:recommend') => {
      const response = await fetch(`${url}/v1/models/${path}`, {
        method: 'POST',
        body: JSON.stringify(body),
      });
      return {
        status: response.status,
        version: response.headers.get('x-model-version'),
        body: await response.json(),
      };
    };
    try {
      // Customer 17850 is the first of the file; these are their first invoice's products.
      const known = await ask({ customer: '17850', k: 5 });
      expect(known.status, JSON.stringify(known.body)).toBe(200);
      expect(known.version).toBe('1');
      expect(known.body.model_version).toBe('1');
      expect(known.body.customer).toBe('17850');
      expect(known.body.recommendations).toHaveLength(5);
      const [first] = known.body.recommendations;
      expect(first).toEqual({
        item: expect.any(String),
        description: expect.any(String),
        score: expect.any(Number),
        price: expect.any(Number),
      });
      const scores = known.body.recommendations.map((r: { score: number }) => r.score);
      expect([...scores].sort((a, b) => b - a)).toEqual(scores);
      // What they already bought is never offered again.
      const items = known.body.recommendations.map((r: { item: string }) => r.item);
      for (const bought of ['85123A', '71053', '84406B']) expect(items).not.toContain(bought);

      const fresh = await ask({ items: ['85123A', '71053'] });
      expect(fresh.status, JSON.stringify(fresh.body)).toBe(200);
      expect(fresh.body.recommendations).toHaveLength(10);
      expect(fresh.body.items).toEqual(['85123A', '71053']);
      const offered = fresh.body.recommendations.map((r: { item: string }) => r.item);
      expect(offered).not.toContain('85123A');

      // The network is a purchase classifier too: TF Serving's classify shape, raw ids in.
      const classified = await ask(
        { examples: [{ CustomerID: '17850', StockCode: offered[0] }] },
        'recommender:classify',
      );
      expect(classified.status, JSON.stringify(classified.body)).toBe(200);
      expect(classified.body.result[0].map(([label]: [string]) => label)).toEqual(['not bought', 'bought']);

      const bad = [
        [{ customer: 'nobody' }, 404, /'customer': no customer 'nobody'/],
        [{ items: ['85123A', 'NO-SUCH'] }, 400, /'items\[1\]': no product 'NO-SUCH'/],
        [{ customer: '17850', k: 0 }, 400, /'k' is 0/],
        [{ customer: '17850', k: 2.5 }, 400, /'k' is 2\.5/],
        [{ items: [] }, 400, /'items' must be a non-empty list/],
        [{ customer: '17850', items: ['85123A'] }, 400, /either 'customer'.*or 'items'/],
        [{ k: 3 }, 400, /send 'customer'/],
        [{ customer: '17850', colour: 'red' }, 400, /unknown field 'colour'/],
        [[1, 2], 400, /must be a JSON object/],
      ] as const;
      for (const [body, status, message] of bad) {
        const answer = await ask(body);
        expect(answer.status, JSON.stringify(body)).toBe(status);
        expect(answer.body.error).toMatch(message);
      }
    } finally {
      server.kill('SIGTERM');
    }
    expect((await done).code).toBe(0);
  }, 180_000);
});
