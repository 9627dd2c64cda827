import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { deepline, serving, tempDir } from '../cli/helpers.js';

// The support-router template end to end on a slice of BANKING77: init, run (both models trained
// and compared, tested on the official test file), report, serve, and a raw message routed. Then
// the mistakes a user makes with the test file.

const template = new URL('../../src/apps/support-router/pipeline.yaml', import.meta.url).pathname;

/** A CSV file's records as written, split at the line ends outside quotes (a message may hold one). */
function records(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '"') quoted = !quoted;
    else if (text[i] === '\n' && !quoted) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  if (start < text.length) out.push(text.slice(start));
  return out;
}

/**
 * Every 8th record of a CSV file, header kept. The files are sorted by intent, so the first rows
 * (data.limit) would hold a handful of intents; a stride keeps all 77.
 */
function thin(path: string, every: number): void {
  const [header, ...rows] = records(readFileSync(path, 'utf8'));
  writeFileSync(path, `${[header, ...rows.filter((_, i) => i % every === 0)].join('\n')}\n`);
}

/** The written template with short training, so that the test stays fast. */
function shrink(yaml: string): string {
  const edited = yaml
    .replaceAll(/epochs: \d+/g, 'epochs: 3')
    .replaceAll(/maxTokens: \d+/g, 'maxTokens: 1500')
    .replace(/accuracy >= 0\.85/, 'accuracy >= 0.05');
  expect(edited).not.toBe(yaml);
  return edited;
}

describe('deepline init support-router', () => {
  test('tests on the official test file, compares both models, registers one and routes raw text', async () => {
    const dir = tempDir();
    const env = { DEEPLINE_HOME: join(dir, '.deepline') };
    const init = await deepline(['init', 'support-router'], dir);
    expect(init.code, init.stderr).toBe(0);
    for (const f of ['train.csv', 'test.csv', 'LICENSE'])
      expect(existsSync(join(dir, 'data', 'banking77', f))).toBe(true);
    const file = join(dir, 'pipeline.yaml');
    const written = readFileSync(file, 'utf8');
    expect(written).toBe(readFileSync(template, 'utf8'));
    writeFileSync(file, shrink(written));
    thin(join(dir, 'data', 'banking77', 'train.csv'), 8);
    thin(join(dir, 'data', 'banking77', 'test.csv'), 8);

    const run = await deepline(['run', 'pipeline.yaml'], dir, env);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/models compared on validation accuracy \((main|tfidf-mlp) chosen\)/);
    expect(run.stdout).toMatch(/^[* ] tfidf-mlp /m);
    expect(run.stdout).toMatch(/^test: accuracy [\d.]+, macro_f1/m);
    expect(run.stdout).toContain('registered support-router v1 as production (promoted)');
    const report = readFileSync(join(dir, run.stdout.match(/report: (\S+)/)![1]), 'utf8');
    expect(report).toContain('Models compared');
    // The test rows are the test file's 385 (every 8th of 3,080), not a share of the training file.
    expect(report).toMatch(/>385</);

    const { url, stop } = await serving(dir, env);
    const answer = await fetch(`${url}/v1/models/support-router:classify`, {
      method: 'POST',
      body: JSON.stringify({
        examples: [{ text: 'My card still has not arrived, how long does delivery take?' }],
      }),
    });
    expect(answer.status).toBe(200);
    const body = (await answer.json()) as { result: [string, number][][] };
    expect(body.result).toHaveLength(1);
    expect(body.result[0]).toHaveLength(77);
    const total = body.result[0].reduce((s, [, p]) => s + p, 0);
    expect(total).toBeCloseTo(1, 3);
    expect((await stop()).code).toBe(0);
  }, 120_000);

  test('a missing test file is named with its key; split.test beside data.test is refused', async () => {
    const dir = tempDir();
    const env = { DEEPLINE_HOME: join(dir, '.deepline') };
    expect((await deepline(['init', 'support-router'], dir)).code).toBe(0);
    const file = join(dir, 'pipeline.yaml');
    const yaml = readFileSync(file, 'utf8');

    writeFileSync(file, yaml.replace('test: data/banking77/test.csv', 'test: data/banking77/tset.csv'));
    const missing = await deepline(['run', 'pipeline.yaml'], dir, env);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/data\.test: \S*data\/banking77\/tset\.csv: no such file or folder/);

    const both = yaml.replace('split: { validation: 0.1,', 'split: { test: 0.2, validation: 0.1,');
    expect(both).not.toBe(yaml);
    writeFileSync(file, both);
    const line = both.split('\n').findIndex((l) => l.includes('split: { test: 0.2')) + 1;
    const refused = await deepline(['run', 'pipeline.yaml'], dir, env);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain(
      `pipeline.yaml:${line}: data.split.test: the test rows come from data.test`,
    );
  }, 60_000);
});
