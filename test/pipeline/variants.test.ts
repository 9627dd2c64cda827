import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parsePipelineConfig } from '../../src/pipeline/config.js';
import { runPipeline } from '../../src/pipeline/run.js';
import { describeCandidate, variantConfig } from '../../src/pipeline/variants.js';
import { renderReport } from '../../src/report/index.js';
import { runReportData } from '../../src/report/run-report.js';
import { errorOf } from './config-error.js';

const base = `
name: reviews
data:
  source: reviews.csv
  label: sentiment
features:
  review: { kind: text, output: int, sequenceLength: 8 }
model: { preset: text, embeddingDim: 8 }
train:
  epochs: 4
  optimizer: { name: adam, learningRate: 0.01 }
  seed: 7
`;

/** The 1-based line of the first line of `text` holding `needle`. */
const lineOf = (text: string, needle: string): number =>
  text.split('\n').findIndex((l) => l.includes(needle)) + 1;

describe('variants in the pipeline file', () => {
  const tfidf = `${base}variants:
  - name: tfidf-mlp
    features:
      review: { kind: text, output: tfidf, normalize: l2 }
    model: { preset: mlp, units: [8] }
    train: { epochs: 2 }
`;

  test("replace the main features and model, and the main train section's keys one by one", () => {
    const config = parsePipelineConfig(tfidf);
    expect(config.variants).toHaveLength(1);
    const v = variantConfig(config, 0);
    expect(v.features).toEqual({ review: { kind: 'text', output: 'tfidf', normalize: 'l2' } });
    expect(v.model).toEqual({ preset: 'mlp', units: [8] });
    // epochs from the variant; the optimizer and seed stay the main section's, not the defaults.
    expect(v.train).toMatchObject({ epochs: 2, optimizer: { name: 'adam', learningRate: 0.01 }, seed: 7 });
    expect(v.variants).toEqual([]);
    expect(describeCandidate(v)).toBe('mlp preset (units 8) on review: tfidf');
    expect(describeCandidate(config)).toBe('text preset (embeddingDim 8) on review: int');
  });

  test('none by default', () => {
    expect(parsePipelineConfig(base).variants).toEqual([]);
  });

  test('a misspelt key names its line and the key meant', () => {
    const text = tfidf.replace('    model:', '    modl:');
    const message = errorOf(text);
    expect(message).toContain(`p.yaml:${lineOf(text, 'modl:')}: variants[0].modl: unknown key`);
    expect(message).toContain("did you mean 'model'?");
  });

  test('a train key a variant cannot take is named, and train keys take no defaults', () => {
    const text = tfidf.replace('train: { epochs: 2 }', 'train: { epoch: 2 }');
    expect(errorOf(text)).toContain(
      `p.yaml:${lineOf(text, 'epoch: 2')}: variants[0].train.epoch: unknown key (did you mean 'epochs'?)`,
    );
  });

  test("the name 'main', a repeated name and a variant that changes nothing are refused", () => {
    const main = tfidf.replace('name: tfidf-mlp', 'name: main');
    expect(errorOf(main)).toContain(
      `p.yaml:${lineOf(main, 'name: main')}: variants[0].name: 'main' names the pipeline's own model`,
    );
    const twice = `${tfidf}  - name: tfidf-mlp\n    model: { preset: mlp }\n`;
    expect(errorOf(twice)).toContain(
      `p.yaml:${twice.split('\n').length - 2}: variants[1].name: 'tfidf-mlp' names an earlier variant too`,
    );
    const same = `${base}variants:\n  - name: same\n`;
    expect(errorOf(same)).toContain(
      `p.yaml:${lineOf(same, 'name: same')}: variants[0]: a variant replaces features, model or train (one at least)`,
    );
  });

  test("a variant's features are checked as the main ones are", () => {
    const text = tfidf.replace('output: tfidf, normalize: l2', 'output: tfidf, sequenceLength: 4');
    expect(errorOf(text)).toContain(
      `p.yaml:${lineOf(text, 'sequenceLength: 4')}: variants[0].features: featurePipeline: column 'review': sequenceLength is 4, expected to be given only with output 'int'`,
    );
  });
});

describe('a run with variants', () => {
  /** Reviews whose words say their sentiment, so that any model learns them in a few epochs. */
  function reviews(dir: string): void {
    const good = ['great', 'lovely', 'excellent', 'superb', 'fine'];
    const bad = ['awful', 'terrible', 'broken', 'poor', 'bad'];
    const rows = ['review,sentiment'];
    for (let i = 0; i < 240; i++) {
      const positive = i % 2 === 0;
      const words = positive ? good : bad;
      rows.push(`the product was ${words[i % 5]} and ${words[(i * 3) % 5]},${positive ? 'pos' : 'neg'}`);
    }
    writeFileSync(join(dir, 'reviews.csv'), `${rows.join('\n')}\n`);
  }

  test('trains every model on the same split, evaluates the best on validation, and reports them all', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deepline-variants-'));
    reviews(dir);
    const path = join(dir, 'p.yaml');
    writeFileSync(
      path,
      `${base.replace('sentiment\n', 'sentiment\n  positive: pos\n')}variants:
  - name: tfidf-mlp
    features:
      review: { kind: text, output: tfidf, normalize: l2 }
    model: { preset: mlp, units: [8] }
  - name: slow
    train: { epochs: 1, optimizer: { name: sgd, learningRate: 0.0001 } }
evaluate:
  compare: log_loss
`,
    );
    const result = await runPipeline(path, { home: join(dir, 'home') });
    const report = result.variants!;
    expect(report.metric).toBe('log_loss');
    expect(report.variants.map((v) => v.name)).toEqual(['main', 'tfidf-mlp', 'slow']);
    expect(report.variants.filter((v) => v.chosen).map((v) => v.name)).toEqual([report.chosen]);
    // The chosen one has the lowest validation log loss; one epoch of slow SGD is not it.
    const losses = report.variants.map((v) => v.validation.log_loss);
    expect(report.variants.find((v) => v.chosen)!.validation.log_loss).toBe(Math.min(...losses));
    expect(report.chosen).not.toBe('slow');
    expect(report.variants[2].epochs).toBe(1);
    for (const v of report.variants) {
      expect(v.parameters).toBeGreaterThan(0);
      expect(v.seconds).toBeGreaterThan(0);
      expect(Object.keys(v.test)).toContain('auc');
    }
    // What the run evaluated and registered is the chosen model, on the same test rows.
    const chosen = report.variants.find((v) => v.chosen)!;
    expect(result.evaluation.metrics.auc).toBeCloseTo(chosen.test.auc, 10);
    expect(result.registered?.version).toBe(1);
    const html = await renderReport(runReportData(result));
    expect(html).toContain('Models compared');
    expect(html).toContain('tfidf-mlp');
    expect(html).toContain('validation log_loss');
  }, 60_000);
});

describe('the text templates are valid pipeline files', () => {
  test.each(['spam-filter', 'support-router'])('%s', (name) => {
    const file = new URL(`../../src/apps/${name}/pipeline.yaml`, import.meta.url);
    const config = parsePipelineConfig(readFileSync(file, 'utf8'), file.pathname);
    expect(config.variants.map((v) => v.name)).toEqual(['tfidf-mlp']);
  });
});
