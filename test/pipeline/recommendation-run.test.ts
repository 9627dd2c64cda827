import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadArtifact } from '../../src/pipeline/artifact.js';
import { runPipeline } from '../../src/pipeline/run.js';

// A recommendation pipeline in-process on a small made-up shop: two kinds of customer, each
// buying from its own half of the catalogue, so that what a customer bought says what they buy next.

function shop(dir: string): void {
  const lines = ['invoice,customer,product,name,price,at'];
  let invoice = 1;
  for (let c = 0; c < 60; c++) {
    const half = c % 2;
    for (let k = 0; k < 8; k++) {
      const product = half * 20 + ((c * 7 + k * 3) % 20);
      const at = new Date(Date.UTC(2011, 0, 1 + k * 8, 10)).toISOString().slice(0, 19);
      lines.push(`${invoice++},c${c},s${product},thing ${product},${1 + (product % 5)},${at}`);
    }
  }
  lines.push(`C${invoice},c1,s3,thing 3,1,2011-01-02T10:00:00`);
  writeFileSync(join(dir, 'shop.csv'), `${lines.join('\n')}\n`);
  writeFileSync(
    join(dir, 'pipeline.yaml'),
    `name: shop
data:
  source: shop.csv
  task: recommendation
  interactions: { user: customer, item: product, time: at, price: price, description: name, currency: GBP, testDays: 20 }
  split: { validation: 0.1, seed: 1 }
clean:
  - { step: coerce, columns: { price: number, at: datetime } }
  - { step: filter, rule: 'invoice startsWith "C"', action: drop, reason: cancellation }
model: { preset: recommender, embeddingDim: 8, units: [16] }
train: { epochs: 3, batchSize: 64, optimizer: { name: adam, learningRate: 0.01 } }
evaluate:
  gates: [hr_at_10 >= 0.01]
`,
  );
}

describe('a recommendation run', () => {
  test('three models ranked, NCF registered with its catalogue, a second version compared with production', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deepline-rec-'));
    const home = join(dir, 'home');
    shop(dir);
    const first = await runPipeline(join(dir, 'pipeline.yaml'), { home });
    expect(first.prepared.steps.map((s) => s.rowsDropped)).toEqual([0, 1]);
    expect(first.ranking!.models.map((m) => m.name)).toEqual([
      'popularity',
      'matrix factorisation',
      'neural collaborative filtering',
    ]);
    expect(Object.keys(first.evaluation.metrics)).toEqual([
      'hr_at_10',
      'ndcg_at_10',
      'recall_at_10',
      'hr_at_10_over_popularity',
      'ndcg_at_10_over_popularity',
    ]);
    expect(first.ranking!.revenue.currency).toBe('GBP');
    expect(first.registered?.version).toBe(1);
    expect(first.promoted).toBe(true);
    const artifact = await loadArtifact(first.registered!.path);
    const meta = artifact.meta.recommender!;
    expect(meta.users).toHaveLength(60);
    expect(meta.catalogue[0]).toEqual({
      id: expect.stringMatching(/^s\d+$/),
      description: expect.any(String),
      price: expect.any(Number),
    });
    // Customer c0 bought all 8 of their products; each is in their history, never recommended.
    expect(meta.history[meta.users.indexOf('c0')]).toHaveLength(8);

    const second = await runPipeline(join(dir, 'pipeline.yaml'), { home });
    expect(second.production).toMatchObject({ version: 1, metric: 'ndcg_at_10' });
    // The same data, seed and model: production ranks the same lists exactly as well.
    expect(second.production!.production).toBeCloseTo(second.production!.candidate, 6);
    expect(second.registered?.version).toBe(2);
    expect(second.promoted).toBe(false);
  }, 60_000);

  test('gates name only what a recommender reports', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deepline-rec-'));
    shop(dir);
    const path = join(dir, 'pipeline.yaml');
    writeFileSync(path, readFileSync(path, 'utf8').replace('hr_at_10 >= 0.01', 'accuracy >= 0.9'));
    await expect(runPipeline(path, { home: join(dir, 'home') })).rejects.toThrow(
      /evaluate\.gates\[0\]: a recommender reports no 'accuracy'; it reports hr_at_10, ndcg_at_10, recall_at_10/,
    );
  });
});
