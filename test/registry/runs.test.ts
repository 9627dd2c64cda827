import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openRegistry, type Registry, RegistryError } from '../../src/registry/index.js';
import { startWorker, tempDir } from './fixtures/setup.js';

let registry: Registry;
const open = () => {
  registry = openRegistry(tempDir());
  return registry;
};
afterEach(() => registry?.close());

/** Writes behind the registry's back, through a second connection, as another tool could. */
function sql(home: string, statement: string, ...values: (string | number | null)[]) {
  const db = new Database(path.join(home, 'deepline.db'));
  db.prepare(statement).run(...values);
  db.close();
}

describe('runs', () => {
  it('go from running to finished with everything recorded', () => {
    const reg = open();
    const run = reg.startRun({
      name: 'churn',
      key: 'abc',
      params: { epochs: 3, layers: [8, 4] },
      pipelinePath: 'pipelines/churn.yaml',
      pipelineText: 'name: churn\n',
      dataFingerprint: 'sha256:feed',
    });
    expect(run).toMatchObject({
      name: 'churn',
      key: 'abc',
      status: 'running',
      endedAt: null,
      params: { epochs: 3, layers: [8, 4] },
      pipelinePath: path.resolve('pipelines/churn.yaml'),
      pipelineText: 'name: churn\n',
      dataFingerprint: 'sha256:feed',
      artifactPath: null,
      metrics: {},
      durations: {},
      error: null,
      pid: process.pid,
      host: os.hostname(),
      resumedBy: null,
    });
    expect(run.id).toMatch(/^[0-9a-f]{12}$/);
    expect(Number.isNaN(Date.parse(run.startedAt))).toBe(false);

    reg.logDuration(run.id, 'read', 0.5);
    reg.logDuration(run.id, 'train', 2);
    reg.logDuration(run.id, 'read', 0.25);
    reg.setArtifact(run.id, 'out/model');
    const done = reg.finishRun(run.id, { status: 'finished', metrics: { auc: 0.91, loss: 0.3 } });
    expect(done).toMatchObject({
      status: 'finished',
      metrics: { auc: 0.91, loss: 0.3 },
      durations: { read: 0.25, train: 2 },
      artifactPath: path.resolve('out/model'),
    });
    expect(Date.parse(done.endedAt!)).toBeGreaterThanOrEqual(Date.parse(done.startedAt));
    expect(reg.getRun(run.id)).toEqual(done);
  });

  it('record a failure with its error, and cannot be ended twice', () => {
    const reg = open();
    const run = reg.startRun({ name: 'churn', key: 'abc' });
    expect(reg.finishRun(run.id, { status: 'failed', error: 'out of memory' })).toMatchObject({
      status: 'failed',
      error: 'out of memory',
    });
    expect(() => reg.finishRun(run.id, { status: 'finished' })).toThrow(
      `run '${run.id}' is already failed; start a new run instead`,
    );
  });

  it('keep epochs in order, and a re-logged epoch replaces the first', () => {
    const reg = open();
    const run = reg.startRun({ name: 'churn', key: 'abc' });
    reg.logEpoch(run.id, 1, { loss: 0.5 }, 1.5);
    reg.logEpoch(run.id, 0, { loss: 0.9 }, 1.25);
    reg.logEpoch(run.id, 1, { loss: 0.4, val_loss: 0.45 }, 2);
    expect(reg.epochs(run.id)).toEqual([
      { runId: run.id, epoch: 0, metrics: { loss: 0.9 }, seconds: 1.25 },
      { runId: run.id, epoch: 1, metrics: { loss: 0.4, val_loss: 0.45 }, seconds: 2 },
    ]);
  });

  it('keep a diverged loss as NaN and infinities as themselves', () => {
    const reg = open();
    const run = reg.startRun({ name: 'churn', key: 'abc' });
    reg.logEpoch(run.id, 0, { loss: Number.NaN, grad: Number.POSITIVE_INFINITY }, 1);
    const done = reg.finishRun(run.id, { status: 'failed', metrics: { loss: Number.NEGATIVE_INFINITY } });
    expect(reg.epochs(run.id)[0].metrics).toEqual({ loss: Number.NaN, grad: Number.POSITIVE_INFINITY });
    expect(done.metrics.loss).toBe(Number.NEGATIVE_INFINITY);
  });

  it('refuse writes that name no run, or bad values, with a clear message', () => {
    const reg = open();
    const run = reg.startRun({ name: 'churn', key: 'abc' });
    expect(() => reg.logEpoch('0123456789ab', 0, {}, 1)).toThrow("no run '0123456789ab'");
    expect(() => reg.logDuration('0123456789ab', 'read', 1)).toThrow("no run '0123456789ab'");
    expect(() => reg.setArtifact('0123456789ab', '/tmp/x')).toThrow("no run '0123456789ab'");
    expect(() => reg.finishRun('0123456789ab', { status: 'finished' })).toThrow("no run '0123456789ab'");
    expect(() => reg.logEpoch(run.id, -1, {}, 1)).toThrow('epoch is -1, expected an integer ≥ 0');
    expect(() => reg.logEpoch(run.id, 0, { loss: '0.5' as unknown as number }, 1)).toThrow(
      'epoch 0 metric \'loss\' is "0.5", expected a number',
    );
    expect(() => reg.logDuration(run.id, 'read', Number.NaN)).toThrow("seconds of stage 'read' is NaN");
    expect(() => reg.startRun({ name: '', key: 'k' })).toThrow('run name must be a non-empty string');
    expect(() => reg.startRun({ name: 'p', key: 'k', params: { big: 1n } })).toThrow(
      "params of run 'p' cannot be stored as JSON",
    );
  });

  it('are found by a unique id prefix of 4 or more characters', () => {
    const reg = open();
    const home = reg.home;
    const [first, second] = [reg.startRun({ name: 'p', key: 'k' }), reg.startRun({ name: 'p', key: 'k' })];
    // Random ids rarely share a prefix, so give two of them one.
    sql(home, "UPDATE runs SET id = 'abcd0000aaaa' WHERE id = ?", first.id);
    sql(home, "UPDATE runs SET id = 'abcd0000bbbb' WHERE id = ?", second.id);
    expect(reg.getRun('abcd0000a').id).toBe('abcd0000aaaa');
    expect(reg.epochs('abcd0000b')).toEqual([]);
    expect(() => reg.getRun('abcd')).toThrow(
      "run id prefix 'abcd' matches 2 runs (abcd0000aaaa, abcd0000bbbb); give more characters",
    );
    expect(() => reg.getRun('abc')).toThrow("no run 'abc' (a run id prefix needs at least 4 characters)");
    expect(() => reg.getRun('abce')).toThrow("no run 'abce'");
  });

  it('list newest first, filtered by name and status, up to a limit', () => {
    const reg = open();
    const a = reg.startRun({ name: 'a', key: 'k' });
    const b = reg.startRun({ name: 'b', key: 'k' });
    const c = reg.startRun({ name: 'a', key: 'k' });
    reg.finishRun(a.id, { status: 'finished' });
    reg.finishRun(b.id, { status: 'failed', error: 'x' });
    const ids = (runs: { id: string }[]) => runs.map((r) => r.id);
    expect(ids(reg.listRuns())).toEqual([c.id, b.id, a.id]);
    expect(ids(reg.listRuns({ name: 'a' }))).toEqual([c.id, a.id]);
    expect(ids(reg.listRuns({ status: 'running' }))).toEqual([c.id]);
    expect(ids(reg.listRuns({ name: 'a', status: 'finished' }))).toEqual([a.id]);
    expect(ids(reg.listRuns({ limit: 2 }))).toEqual([c.id, b.id]);
    expect(reg.listRuns({ name: 'nobody' })).toEqual([]);
    expect(() => reg.listRuns({ limit: 0 })).toThrow('limit is 0, expected an integer ≥ 1');
  });

  it('give the newest failed run with a key, to resume from', () => {
    const reg = open();
    expect(reg.lastFailedRun('k')).toBeUndefined();
    const old = reg.startRun({ name: 'p', key: 'k' });
    reg.finishRun(old.id, { status: 'failed', error: 'first' });
    const newer = reg.startRun({ name: 'p', key: 'k' });
    reg.finishRun(newer.id, { status: 'failed', error: 'second' });
    const other = reg.startRun({ name: 'p', key: 'other' });
    reg.finishRun(other.id, { status: 'failed' });
    reg.finishRun(reg.startRun({ name: 'p', key: 'k' }).id, { status: 'finished' });
    reg.startRun({ name: 'p', key: 'k' });
    expect(reg.lastFailedRun('k')?.id).toBe(newer.id);
  });
});

describe('reapStale', () => {
  it('marks failed a run whose process died, and leaves one whose process lives', async () => {
    const home = tempDir();
    const worker = startWorker(['abandon', home]);
    const { signal, stdout, stderr } = await worker.exited;
    expect(signal, stderr).toBe('SIGKILL');
    const deadId = stdout.trim();
    const pid = worker.child.pid!;

    // Opening reaps on its own: the dead process's run is failed before anyone asks.
    registry = openRegistry(home);
    expect(registry.getRun(deadId)).toMatchObject({
      status: 'failed',
      pid,
      error: `the process (pid ${pid}) ended without finishing the run`,
    });
    expect(registry.getRun(deadId).endedAt).not.toBeNull();

    const alive = registry.startRun({ name: 'alive', key: 'k' });
    expect(registry.reapStale()).toEqual([]);
    expect(registry.getRun(alive.id).status).toBe('running');
    expect(registry.lastFailedRun('doomed-key')?.id).toBe(deadId);
  });

  it("returns the runs it reaps, and without a process start to go by leaves another host's runs alone", async () => {
    const home = tempDir();
    const id = (await startWorker(['abandon', home]).exited).stdout.trim();
    // As a run recorded before start identities were, or on a platform without them.
    sql(
      home,
      "UPDATE runs SET host = 'some-other-host', boot_id = NULL, process_start = NULL WHERE id = ?",
      id,
    );
    registry = openRegistry(home);
    expect(registry.getRun(id).status).toBe('running');
    sql(home, 'UPDATE runs SET host = ? WHERE id = ?', os.hostname(), id);
    expect(registry.reapStale().map((r) => r.id)).toEqual([id]);
    expect(registry.reapStale()).toEqual([]);
  });

  it('without a process start to go by, reaps a run of this pid that began before this process did', () => {
    const reg = open();
    const before = reg.startRun({ name: 'before', key: 'k' });
    const ours = reg.startRun({ name: 'ours', key: 'k' });
    for (const run of [before, ours])
      sql(reg.home, 'UPDATE runs SET boot_id = NULL, process_start = NULL WHERE id = ?', run.id);
    const processStarted = Date.now() - process.uptime() * 1000;
    sql(
      reg.home,
      'UPDATE runs SET started_at = ? WHERE id = ?',
      new Date(processStarted - 60_000).toISOString(),
      before.id,
    );
    expect(reg.reapStale().map((r) => r.id)).toEqual([before.id]);
    expect(reg.getRun(ours.id).status).toBe('running');
  });
});

describe.runIf(process.platform === 'linux')('reapStale on Linux', () => {
  it('records the boot id and start time of the process that runs a run', () => {
    const run = open().startRun({ name: 'p', key: 'k' });
    const stat = fs.readFileSync('/proc/self/stat', 'utf8');
    const startTime = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
    expect(run.bootId).toBe(fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim());
    expect(run.processStart).toBe(startTime);
  });

  it('reaps a run whose pid is alive but was started by another process, even this one', () => {
    const reg = open();
    const ours = reg.startRun({ name: 'ours', key: 'k' });
    const reused = reg.startRun({ name: 'reused', key: 'k' });
    // A rerun in a new container: same pid as the killed run, new hostname, different start time.
    sql(
      reg.home,
      "UPDATE runs SET process_start = process_start - 1, host = 'old-container' WHERE id = ?",
      reused.id,
    );
    expect(reg.reapStale().map((r) => r.id)).toEqual([reused.id]);
    expect(reg.getRun(reused.id)).toMatchObject({
      status: 'failed',
      error: `the process (pid ${process.pid}) ended without finishing the run`,
    });
    expect(reg.getRun(ours.id).status).toBe('running');
  });

  it('leaves a live process its run, whatever its host name, and reaps runs from an earlier boot', async () => {
    const home = tempDir();
    const worker = startWorker(['hold', home]);
    try {
      await worker.line('held');
      registry = openRegistry(home);
      const [held] = registry.listRuns({ name: 'held' });
      expect(held).toMatchObject({ status: 'running', pid: worker.child.pid });
      sql(home, "UPDATE runs SET host = 'another-container' WHERE id = ?", held.id);
      expect(registry.reapStale()).toEqual([]);

      const rebooted = registry.startRun({ name: 'rebooted', key: 'k' });
      sql(home, "UPDATE runs SET boot_id = 'an-earlier-boot' WHERE id = ?", rebooted.id);
      expect(registry.reapStale().map((r) => r.id)).toEqual([rebooted.id]);
      expect(registry.getRun(held.id).status).toBe('running');
    } finally {
      worker.child.stdin.end();
      await worker.exited;
    }
  });
});

describe('claimFailedRun', () => {
  it('gives each claimant a different failed run, newest first, then none', () => {
    const first = open();
    const second = openRegistry(first.home);
    try {
      const [older, newer] = ['older', 'newer'].map((error) => {
        const run = first.startRun({ name: 'p', key: 'k' });
        return first.finishRun(run.id, { status: 'failed', error });
      });
      first.finishRun(first.startRun({ name: 'p', key: 'other' }).id, { status: 'failed' });
      first.startRun({ name: 'p', key: 'k' });

      expect(first.claimFailedRun('k', 'resumer-a')).toMatchObject({ id: newer.id, resumedBy: 'resumer-a' });
      expect(second.claimFailedRun('k', 'resumer-b')).toMatchObject({ id: older.id, resumedBy: 'resumer-b' });
      expect(first.claimFailedRun('k', 'resumer-c')).toBeUndefined();
      expect(second.getRun(newer.id).resumedBy).toBe('resumer-a');
      // lastFailedRun still reports the newest failure, claimed or not.
      expect(second.lastFailedRun('k')?.id).toBe(newer.id);
      expect(() => first.claimFailedRun('other', ' ')).toThrow('claimant must be a non-empty string');
      expect(first.getRun(newer.id).status).toBe('failed');
    } finally {
      second.close();
    }
  });

  it('lets only one of two processes racing for the same failed run have it', async () => {
    const reg = open();
    const failed = reg.finishRun(reg.startRun({ name: 'p', key: 'k' }).id, { status: 'failed' });
    reg.close();
    const workers = ['a', 'b'].map((tag) => startWorker(['claim', reg.home, 'k', `worker-${tag}`]));
    await Promise.all(workers.map((w) => w.line('ready')));
    for (const w of workers) w.child.stdin.write('go\n');
    const results = await Promise.all(workers.map((w) => w.exited));
    for (const { code, stderr } of results) expect(code, stderr).toBe(0);
    const claimed = results.map((r) => r.stdout.trim().split('\n').at(-1));
    expect([...claimed].sort()).toEqual([failed.id, 'none'].sort());
    registry = openRegistry(reg.home);
    const winner = claimed[0] === failed.id ? 'worker-a' : 'worker-b';
    expect(registry.getRun(failed.id).resumedBy).toBe(winner);
  });
});

describe('RegistryError', () => {
  it('is what getRun throws for an unknown run', () => {
    expect(() => open().getRun('nothing')).toThrow(RegistryError);
  });
});
