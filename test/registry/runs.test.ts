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
function sql(home: string, statement: string, ...values: string[]) {
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

  it("returns the runs it reaps, and leaves another host's runs alone", async () => {
    const home = tempDir();
    const id = (await startWorker(['abandon', home]).exited).stdout.trim();
    sql(home, "UPDATE runs SET host = 'some-other-host' WHERE id = ?", id);
    registry = openRegistry(home);
    expect(registry.getRun(id).status).toBe('running');
    sql(home, 'UPDATE runs SET host = ? WHERE id = ?', os.hostname(), id);
    expect(registry.reapStale().map((r) => r.id)).toEqual([id]);
    expect(registry.reapStale()).toEqual([]);
  });
});

describe('RegistryError', () => {
  it('is what getRun throws for an unknown run', () => {
    expect(() => open().getRun('nothing')).toThrow(RegistryError);
  });
});
