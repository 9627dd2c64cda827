import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { deepline, serving, tempDir } from '../cli/helpers.js';

// The spam-filter template end to end on the first 1,500 messages of its data: init, run (both
// models trained and compared), report, serve, and a raw message classified. Then the mistakes
// a user makes in the file.

const template = new URL('../../src/apps/spam-filter/pipeline.yaml', import.meta.url).pathname;

/** The written template on a slice of the data with short training, so that the test stays fast. */
function shrink(yaml: string): string {
  const edited = yaml
    .replace(/^( {2}label: label.*)$/m, '$1\n  limit: 1500')
    .replaceAll(/epochs: \d+/g, 'epochs: 4')
    .replaceAll(/maxTokens: \d+/g, 'maxTokens: 2000')
    .replace('auc >= 0.95', 'auc >= 0.5')
    .replace('log_loss <= 0.15', 'log_loss <= 1');
  expect(edited).not.toBe(yaml);
  return edited;
}

describe('deepline init spam-filter', () => {
  test('trains both models, reports them side by side, registers one and serves :classify on raw text', async () => {
    const dir = tempDir();
    const env = { DEEPLINE_HOME: join(dir, '.deepline') };
    const init = await deepline(['init', 'spam-filter'], dir);
    expect(init.code, init.stderr).toBe(0);
    expect(existsSync(join(dir, 'data', 'sms-spam', 'SMSSpamCollection'))).toBe(true);
    expect(existsSync(join(dir, 'data', 'sms-spam', 'readme'))).toBe(true);
    const file = join(dir, 'pipeline.yaml');
    const written = readFileSync(file, 'utf8');
    expect(written).toBe(readFileSync(template, 'utf8'));
    writeFileSync(file, shrink(written));

    const run = await deepline(['run', 'pipeline.yaml'], dir, env);
    expect(run.code, run.stderr).toBe(0);
    // 1,500 rows: 300 held out for the test, 150 for validation.
    expect(run.stdout).toMatch(/models compared on validation \w+ \((main|tfidf-mlp) chosen\)/);
    expect(run.stdout).toMatch(/^[* ] main {7}/m);
    expect(run.stdout).toMatch(/^[* ] tfidf-mlp /m);
    expect(run.stdout).toMatch(/value per 1,000 decisions: .* EUR at threshold [\d.]+ \(best .*; no model/);
    expect(run.stdout).toContain('registered spam-filter v1 as production (promoted)');
    const report = readFileSync(join(dir, run.stdout.match(/report: (\S+)/)![1]), 'utf8');
    expect(report).toContain('Models compared');
    expect(report).toContain('tfidf-mlp');
    expect(report).toContain('data-chart="value"');

    const { url, stop } = await serving(dir, env);
    const answer = await fetch(`${url}/v1/models/spam-filter:classify`, {
      method: 'POST',
      body: JSON.stringify({
        examples: [
          { text: 'WINNER!! You have won a £1000 cash prize. Call 09061701461 now to claim. T&C apply' },
          { text: 'Are we still meeting for lunch tomorrow?' },
        ],
      }),
    });
    expect(answer.status).toBe(200);
    const body = (await answer.json()) as { result: [string, number][][] };
    expect(body.result).toHaveLength(2);
    const spam = (r: [string, number][]) => r.find(([label]) => label === 'spam')![1];
    expect(spam(body.result[0])).toBeGreaterThan(spam(body.result[1]));
    expect((await stop()).code).toBe(0);
  }, 120_000);

  test('a misspelt key in a variant is named with its line and a suggestion', async () => {
    const dir = tempDir();
    expect((await deepline(['init', 'spam-filter'], dir)).code).toBe(0);
    const file = join(dir, 'pipeline.yaml');
    const yaml = readFileSync(file, 'utf8');
    const edited = yaml.replace(/^( {4})features:/m, '$1featurs:');
    expect(edited).not.toBe(yaml);
    writeFileSync(file, edited);
    // The line of the value under the key, as for every key whose value is a block.
    const line = edited.split('\n').findIndex((l) => l.includes('featurs:')) + 2;
    const run = await deepline(['run', 'pipeline.yaml'], dir, { DEEPLINE_HOME: join(dir, '.deepline') });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain(
      `pipeline.yaml:${line}: variants[0].featurs: unknown key (did you mean 'features'?)`,
    );
  }, 60_000);
});
