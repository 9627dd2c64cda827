import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { deepline, tempDir } from './helpers.js';

// The German Credit example as shipped, run in place from a temporary folder: its gates, its
// value in DM under the official Statlog cost matrix, and the threshold that matrix asks for.

const pipeline = new URL('../../examples/credit.yaml', import.meta.url).pathname;

describe('deepline run examples/credit.yaml', () => {
  const dir = tempDir();
  const env = { DEEPLINE_HOME: join(dir, '.deepline') };
  let run: Awaited<ReturnType<typeof deepline>>;

  beforeAll(async () => {
    run = await deepline(['run', pipeline], dir, env);
  }, 120_000);

  test('trains, passes its threshold-free gates and is registered', () => {
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/gate auc >= 0\.7: passed \(0\.\d+\)/);
    expect(run.stdout).toMatch(/gate log_loss <= 0\.58: passed \(0\.\d+\)/);
    expect(run.stdout).toContain('registered credit v1 as production (promoted)');
  });

  test('the value line is in DM, at a threshold below 0.5, and beats approving everyone', () => {
    const line = run.stdout.match(
      /value per 1,000 decisions: ([−-]?[\d,]+\.\d\d) DM at threshold ([\d.]+) \(best ([−-]?[\d,]+\.\d\d) DM at ([\d.]+); no model ([−-]?[\d,]+\.\d\d) DM\)/,
    );
    expect(line, run.stdout).not.toBeNull();
    const [chosen, threshold, best, bestThreshold, noModel] = line!
      .slice(1)
      .map((x) => Number(x.replaceAll(',', '').replace('−', '-')));
    // Flagging an applicant costs 1 if they were good; not flagging costs 5 if they were bad. For a
    // calibrated probability p of bad, flagging is cheaper when 1 · (1 − p) < 5 · p, i.e. p > 1/6:
    // the cost-optimal threshold sits far below the 0.5 that accuracy would pick.
    // The threshold is chosen on the validation split; the best one on the test rows (hindsight)
    // is at least as good on them.
    expect(threshold).toBeLessThan(0.5);
    expect(bestThreshold).toBeLessThan(0.5);
    expect(best).toBeGreaterThanOrEqual(chosen);
    // Without a model everyone is approved: each bad customer (30%) costs 5, so about −1,500 DM.
    expect(noModel).toBeLessThan(-1000);
    expect(chosen).toBeGreaterThan(noModel);
  });

  test('the report charts the value curve', () => {
    const path = join(dir, run.stdout.match(/report: (\S+)/)![1]);
    const html = readFileSync(path, 'utf8');
    expect(html).toContain('data-chart="value"');
    expect(html).toContain('DM');
  });
});
