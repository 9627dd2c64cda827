import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { deepline, finished, start, tempDir } from './helpers.js';

// `kill -9` during training, then the same command again: the run picks up the last completed
// epoch's checkpoint and ends with exactly the model an uninterrupted run trains.

const pipeline = `
name: digits
data:
  source: mnist
  limit: 3000
  split: { validation: 0.1 }
model: { preset: cnn }
train: { epochs: 4, batchSize: 64, seed: 7 }
output: { register: false }
`;

function weightsOf(stdout: string, cwd: string): string {
  const artifact = join(cwd, stdout.match(/artifact: (\S+)/)![1]);
  return createHash('sha256')
    .update(readFileSync(join(artifact, 'weights.bin')))
    .digest('hex');
}

/**
 * Resolves once some checkpoint folder under `home` points (latest.json) at a completed backup of
 * `epoch` (1-based) or later; the epoch folder alone is written before the pointer moves to it.
 */
async function checkpointOf(home: string, epoch: number, give: () => boolean): Promise<void> {
  const root = join(home, 'checkpoints');
  const reached = (folder: string): boolean => {
    try {
      const { latest } = JSON.parse(readFileSync(join(root, folder, 'latest.json'), 'utf8'));
      return Number(String(latest).replace('epoch-', '')) >= epoch;
    } catch {
      return false; // not written yet, or caught mid-write
    }
  };
  while (give()) {
    if (existsSync(root) && readdirSync(root).some(reached)) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`the run ended before the checkpoint of epoch ${epoch} appeared`);
}

describe('resume after kill -9', () => {
  test('the killed run is marked failed, the rerun resumes, and the model equals an uninterrupted one', async () => {
    const straight = tempDir();
    writeFileSync(join(straight, 'digits.yaml'), pipeline);
    const reference = await deepline(['run', 'digits.yaml'], straight, {
      DEEPLINE_HOME: join(straight, 'home'),
    });
    expect(reference.code, reference.stderr).toBe(0);

    const dir = tempDir();
    const env = { DEEPLINE_HOME: join(dir, 'home') };
    writeFileSync(join(dir, 'digits.yaml'), pipeline);
    const child = start(['run', 'digits.yaml'], dir, env);
    const done = finished(child);
    let running = true;
    void done.then(() => {
      running = false;
    });
    await checkpointOf(env.DEEPLINE_HOME, 2, () => running);
    child.kill('SIGKILL');
    expect((await done).code).toBeNull();

    const runs = await deepline(['runs', 'list', '--json'], dir, env);
    const [killed] = JSON.parse(runs.stdout);
    expect(killed.status).toBe('failed');
    expect(killed.error).toMatch(/the process \(pid \d+\) ended without finishing the run/);

    const again = await deepline(['run', 'digits.yaml'], dir, env);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/resumed after epoch [234] from the last checkpoint/);
    expect(weightsOf(again.stdout, dir)).toBe(weightsOf(reference.stdout, straight));
    // Every epoch is in the resumed run's record, the ones before the kill included.
    const show = await deepline(
      ['runs', 'show', again.stdout.match(/run ([0-9a-f]{12})/)![1], '--json'],
      dir,
      env,
    );
    expect(JSON.parse(show.stdout).epochs.map((e: { epoch: number }) => e.epoch)).toEqual([1, 2, 3, 4]);
    expect(readdirSync(join(env.DEEPLINE_HOME, 'checkpoints'))).toEqual([]);
  }, 180_000);
});

describe('two pipelines at once', () => {
  test('share one registry without losing a run, an epoch or a version', async () => {
    const dir = tempDir();
    const env = { DEEPLINE_HOME: join(dir, 'home') };
    expect((await deepline(['init', 'churn'], dir)).code).toBe(0);
    writeFileSync(
      join(dir, 'churn.yaml'),
      readFileSync(join(dir, 'churn.yaml'), 'utf8').replace('epochs: 30', 'epochs: 5'),
    );
    const [a, b] = await Promise.all([
      deepline(['run', 'churn.yaml'], dir, env),
      deepline(['run', 'churn.yaml'], dir, env),
    ]);
    expect(a.code, a.stdout + a.stderr).toBe(0);
    expect(b.code, b.stdout + b.stderr).toBe(0);
    const runs = JSON.parse((await deepline(['runs', 'list', '--json'], dir, env)).stdout);
    expect(runs.map((r: { status: string }) => r.status)).toEqual(['finished', 'finished']);
    for (const run of runs) {
      const shown = JSON.parse((await deepline(['runs', 'show', run.id, '--json'], dir, env)).stdout);
      expect(shown.epochs).toHaveLength(5);
    }
    const versions = JSON.parse((await deepline(['models', 'list', 'churn', '--json'], dir, env)).stdout);
    expect(versions.map((v: { version: number }) => v.version).sort()).toEqual([1, 2]);
  }, 120_000);
});
