import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { deepline, tempDir } from './helpers.js';

// The churn example end to end through the command line, as a user runs it: init, run, run
// again, the registry and run commands, evaluate and predict, and the errors a user can make.

describe('deepline with the churn template', () => {
  const dir = tempDir();
  const env = { DEEPLINE_HOME: join(dir, '.deepline') };
  let first: Awaited<ReturnType<typeof deepline>>;
  let second: Awaited<ReturnType<typeof deepline>>;

  beforeAll(async () => {
    const init = await deepline(['init', 'churn'], dir);
    expect(init.code, init.stderr).toBe(0);
    first = await deepline(['run', 'churn.yaml'], dir, env);
    second = await deepline(['run', 'churn.yaml'], dir, env);
  }, 120_000);

  test('init writes the pipeline and its data, and says what to run next', async () => {
    expect(existsSync(join(dir, 'churn.yaml'))).toBe(true);
    expect(existsSync(join(dir, 'data/telco-churn/Telco-Customer-Churn.csv'))).toBe(true);
    expect(existsSync(join(dir, 'data/telco-churn/LICENSE'))).toBe(true);
    const again = await deepline(['init', 'churn'], dir);
    expect(again.code).toBe(1);
    expect(again.stderr.trim()).toMatch(/^deepline: init: .*churn\.yaml exists; pass --force/);
  });

  test('the first run passes its gates, is registered and promoted, and prints value and next steps', () => {
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/test: accuracy 0\.\d+, .*auc 0\.8\d*/);
    expect(first.stdout).toMatch(/value per 1,000 decisions: [\d,]+\.\d\d USD at threshold/);
    expect(first.stdout).toContain('gate auc >= 0.8: passed');
    expect(first.stdout).toContain('registered churn v1 as production (promoted)');
    expect(first.stdout).toContain('next: deepline serve --model churn@production');
    // Not a terminal: stage lines and whole epochs only, no redrawn bars.
    expect(first.stderr).toContain('✔ Train');
    expect(first.stderr).toMatch(/epoch 1\/30 loss/);
    expect(first.stderr).not.toMatch(/ \d+\/78 /);
  });

  test('the report holds every chart of a binary task and the money', () => {
    const path = join(dir, first.stdout.match(/report: (\S+)/)![1]);
    const html = readFileSync(path, 'utf8');
    for (const chart of [
      'training-loss',
      'training-accuracy',
      'confusion-matrix',
      'roc',
      'pr',
      'value',
      'profile-histograms',
    ])
      expect(html).toContain(`data-chart="${chart}"`);
    expect(html).toContain('USD');
    expect(html).not.toMatch(/<script[\s>]/);
  });

  test('the same run again is compared with production: a tie registers a candidate, not a promotion', () => {
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/production v1: auc 0\.\d+ \(this model 0\.\d+\)/);
    expect(second.stdout).toContain('registered churn v2 as candidate');
    expect(second.stdout).toContain('next: deepline serve --model churn:2');
  });

  test('runs list, show and compare read the tracking store', async () => {
    const list = await deepline(['runs', 'list'], dir, env);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout.split('\n')[0]).toMatch(/^RUN\s+PIPELINE\s+STATUS/);
    expect(list.stdout.match(/ churn\s+finished /g)).toHaveLength(2);
    const ids = [...list.stdout.matchAll(/^([0-9a-f]{12}) /gm)].map((m) => m[1]);
    const show = await deepline(['runs', 'show', ids[0].slice(0, 6)], dir, env);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toMatch(/EPOCH\s+LOSS\s+ACCURACY\s+VAL_LOSS/);
    expect(show.stdout).toMatch(/durations\n( {2}.*\n)* {2}read: /);
    const compare = await deepline(['runs', 'compare', ...ids], dir, env);
    expect(compare.code, compare.stderr).toBe(0);
    expect(compare.stdout).toMatch(/param\.train\.epochs\s+30\s+30/);
    expect(compare.stdout).toMatch(/metric\.auc/);
    const json = JSON.parse((await deepline(['runs', 'list', '--json'], dir, env)).stdout);
    expect(json).toHaveLength(2);
  });

  test('models list, promote, rollback and history move the stages', async () => {
    const list = await deepline(['models', 'list'], dir, env);
    expect(list.stdout).toMatch(/churn\s+2\s+v2\s+v1/);
    const promote = await deepline(['models', 'promote', 'churn', '2', '--reason', 'A/B test won'], dir, env);
    expect(promote.stdout.trim()).toBe('churn v2 is now in production');
    const rollback = await deepline(['models', 'rollback', 'churn'], dir, env);
    expect(rollback.stdout.trim()).toBe('churn rolled back: v1 is in production again');
    const history = await deepline(['models', 'history', 'churn'], dir, env);
    expect(history.stdout).toContain('A/B test won');
    const versions = await deepline(['models', 'list', 'churn'], dir, env);
    expect(versions.stdout).toMatch(/v1\s+production/);
    expect(versions.stdout).toMatch(/v2\s+archived/);
    const unknown = await deepline(['models', 'promote', 'churn', '7'], dir, env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^deepline: .*7/);
  });

  test('evaluate and predict take a registry reference or an artifact folder', async () => {
    const data = 'data/telco-churn/Telco-Customer-Churn.csv';
    const evaluation = await deepline(['evaluate', 'churn@production', data], dir, env);
    expect(evaluation.code, evaluation.stderr).toBe(0);
    expect(evaluation.stdout).toMatch(/^churn v1 \(production\): binary/);
    expect(evaluation.stdout).toMatch(/auc\s+0\.8/);
    const out = join(dir, 'predictions.csv');
    const predict = await deepline(['predict', 'churn:1', data, '-o', out], dir, env);
    expect(predict.code, predict.stderr).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('row,prediction,probability');
    expect(lines).toHaveLength(7044);
    expect(lines[1]).toMatch(/^2,(Yes|No),0\.\d+$/);
    const artifact = join(dir, first.stdout.match(/artifact: (\S+)/)![1]);
    const byFolder = await deepline(['evaluate', artifact, data, '--json'], dir, env);
    expect(JSON.parse(byFolder.stdout).metrics.auc).toBeGreaterThan(0.8);
  });

  test('profile prints the columns, saves a schema and validates against it', async () => {
    const data = 'data/telco-churn/Telco-Customer-Churn.csv';
    const profile = await deepline(['profile', data, '--schema', 'schema.json'], dir, env);
    expect(profile.code, profile.stderr).toBe(0);
    expect(profile.stdout).toMatch(/MonthlyCharges\s+number/);
    const check = await deepline(['profile', data, '--validate', 'schema.json'], dir, env);
    expect(check.code, check.stderr).toBe(0);
  });

  test('mistakes are one line on stderr with a non-zero exit', async () => {
    writeFileSync(
      join(dir, 'typo.yaml'),
      readFileSync(join(dir, 'churn.yaml'), 'utf8').replace('batchSize:', 'batchSise:'),
    );
    const typo = await deepline(['run', 'typo.yaml'], dir, env);
    expect(typo.code).toBe(1);
    expect(typo.stderr.trim().split('\n')).toHaveLength(1);
    expect(typo.stderr).toMatch(
      /typo\.yaml:\d+: train\.batchSise: unknown key \(did you mean 'batchSize'\?\)/,
    );

    const missing = await deepline(['run', 'nope.yaml'], dir, env);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe('deepline: nope.yaml: cannot read the pipeline file (ENOENT)');

    const model = await deepline(['evaluate', 'nosuch', 'x.csv'], dir, env);
    expect(model.code).toBe(1);
    expect(model.stderr).toMatch(/^deepline: .*nosuch/m);

    const flag = await deepline(['run', 'churn.yaml', '--epochs', 'two'], dir, env);
    expect(flag.code).not.toBe(0);
    expect(flag.stderr).toContain("expected a positive whole number, got 'two'");
  });

  test('a failed gate registers nothing and exits 3', async () => {
    writeFileSync(
      join(dir, 'strict.yaml'),
      readFileSync(join(dir, 'churn.yaml'), 'utf8')
        .replace('auc >= 0.80', 'auc >= 0.99')
        .replace('epochs: 30', 'epochs: 2'),
    );
    const run = await deepline(['run', 'strict.yaml'], dir, env);
    expect(run.code).toBe(3);
    expect(run.stdout).toContain('gate auc >= 0.99: FAILED');
    expect(run.stderr).toMatch(/deepline: not registered: auc >= 0\.99 failed \(0\.\d+\)/);
    const versions = await deepline(['models', 'list', 'churn'], dir, env);
    expect(versions.stdout).not.toContain('v3');
  });
});
