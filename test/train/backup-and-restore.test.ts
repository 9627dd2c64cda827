import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';
import {
  Callback,
  callbacks,
  getBackend,
  type History,
  layers,
  type Model,
  optimizers,
  readModelJson,
  type Sequential,
  sequential,
  setSeed,
  type Tensor,
  tensor,
} from '../../src/index.js';
import { getRngState, randomNormal, setRngState } from '../../src/tensor/random.js';

// Kill a run, run it again: it must finish with the model an uninterrupted run gives, bit for bit.

const n = 64;
const x = tensor(
  Float32Array.from({ length: n * 4 }, (_, i) => Math.sin(i * 0.37)),
  { shape: [n, 4] },
);
const y = tensor(
  Float32Array.from({ length: n }, (_, i) => Math.cos(i * 0.91)),
  { shape: [n, 1] },
);

// Held out from the same curves; at Adam's rate 0.05 its loss goes down, up, down and up again.
const nv = 16;
const vx = tensor(
  Float32Array.from({ length: nv * 4 }, (_, i) => Math.sin((i + 1000) * 0.37)),
  { shape: [nv, 4] },
);
const vy = tensor(
  Float32Array.from({ length: nv }, (_, i) => Math.cos((i + 1000) * 0.91)),
  { shape: [nv, 1] },
);

const optimizerKinds = {
  adam: (learningRate = 0.01) => optimizers.adam({ learningRate }),
  sgdMomentum: (learningRate = 0.05) => optimizers.sgd({ learningRate, momentum: 0.9 }),
};
type OptimizerKind = keyof typeof optimizerKinds;

/** Seeds the stream and builds the model, as a fresh process running the same script would. */
function build(optimizer: OptimizerKind = 'adam', units = 8, learningRate?: number): Sequential {
  setSeed(7);
  const m = sequential([
    layers.dense({ units, activation: 'relu', inputShape: [4] }),
    layers.dropout({ rate: 0.25 }),
    layers.dense({ units: 1 }),
  ]);
  m.compile({ optimizer: optimizerKinds[optimizer](learningRate), loss: 'meanSquaredError' });
  return m;
}

const train = (m: Model, cbs: Callback[], epochs = 4) =>
  m.fit(x, y, { epochs, batchSize: 8, shuffle: true, verbose: 0, callbacks: cbs });

const values = (m: Model) => m.getWeights().map((w: Tensor) => w.values as Float32Array);

/** Equal float32 bits, which toEqual does not check (it takes -0 for 0). */
function expectSameBits(a: Model, b: Model): void {
  expect(values(a)).toEqual(values(b));
  for (const [u, v] of values(a).map((w, i) => [w, values(b)[i]])) {
    expect(Buffer.from(u.buffer).equals(Buffer.from(v.buffer))).toBe(true);
  }
}

/** Throws as the epoch after `epoch` begins: a crash once `epoch` is over and backed up. */
class CrashAfter extends Callback {
  constructor(readonly epoch: number) {
    super();
  }
  override onEpochBegin(epoch: number): void {
    if (epoch === this.epoch + 1) throw new Error(`crash after epoch ${this.epoch}`);
  }
}

/** Throws at the end of an epoch, before the backup of it is taken. */
class FailAtEnd extends Callback {
  constructor(readonly epoch: number) {
    super();
  }
  override onEpochEnd(epoch: number): void {
    if (epoch === this.epoch) throw new Error(`failed at the end of epoch ${epoch}`);
  }
}

class EpochsRun extends Callback {
  epochs: number[] = [];
  override onEpochBegin(epoch: number): void {
    this.epochs.push(epoch);
  }
}

const tempDir = () => mkdtemp(join(tmpdir(), 'deepline-backup-'));

describe('BackupAndRestore', () => {
  test('runs on the default backend', () => {
    expect(getBackend()).toBe('wasm');
  });

  test.each(Object.keys(optimizerKinds) as OptimizerKind[])(
    'a run that crashes after epoch 2 resumes at epoch 3 and ends bit for bit as an uninterrupted one (%s)',
    async (kind) => {
      const uninterrupted = build(kind);
      const expected: History = await train(uninterrupted, []);
      const backupDir = join(await tempDir(), 'backup');

      const crashed = build(kind);
      await expect(
        train(crashed, [callbacks.backupAndRestore({ backupDir }), new CrashAfter(1)]),
      ).rejects.toThrow('crash after epoch 1');
      expect(await readdir(backupDir)).toEqual(['epoch-2', 'latest.json']);

      const resumed = build(kind);
      const ran = new EpochsRun();
      const history = await train(resumed, [callbacks.backupAndRestore({ backupDir }), ran]);
      expect(ran.epochs).toEqual([2, 3]);
      expectSameBits(resumed, uninterrupted);
      expect(resumed.optimizer.iterations).toBe(uninterrupted.optimizer.iterations);
      expect(history.history.loss.at(-1)).toBe(expected.history.loss.at(-1));
      // The whole run's History, the epochs before the crash included.
      expect(history.epoch).toEqual([0, 1, 2, 3]);
      expect(history.history).toEqual(expected.history);
      expect(existsSync(backupDir)).toBe(false);
    },
  );

  test('a callback failing at the end of an epoch leaves that epoch unsaved: the resumed run runs it again', async () => {
    const uninterrupted = build();
    const expected = await train(uninterrupted, []);
    const backupDir = join(await tempDir(), 'backup');
    await expect(
      train(build(), [callbacks.backupAndRestore({ backupDir }), new FailAtEnd(1)]),
    ).rejects.toThrow('failed at the end of epoch 1');
    expect(await readdir(backupDir)).toEqual(['epoch-1', 'latest.json']);

    const resumed = build();
    const ran = new EpochsRun();
    const history = await train(resumed, [callbacks.backupAndRestore({ backupDir }), ran]);
    expect(ran.epochs).toEqual([1, 2, 3]);
    expectSameBits(resumed, uninterrupted);
    expect(history.history).toEqual(expected.history);
  });

  describe('with stateful callbacks after it, as `deepline run` lists them', () => {
    const stateful = (dir: string) =>
      [
        callbacks.earlyStopping({ monitor: 'val_loss', patience: 3, restoreBestWeights: true }),
        callbacks.reduceLROnPlateau({ monitor: 'val_loss', patience: 2, factor: 0.5, cooldown: 1 }),
        callbacks.modelCheckpoint({ filepath: join(dir, 'best'), saveBestOnly: true }),
      ] as const;
    const fitWithValidation = (m: Model, cbs: Callback[]) =>
      m.fit(x, y, {
        epochs: 12,
        batchSize: 8,
        verbose: 0,
        validationData: [vx, vy],
        callbacks: cbs,
      });

    async function uninterruptedRun() {
      const model = build('adam', 8, 0.05);
      const [es, rl, mc] = stateful(await tempDir());
      const history = await fitWithValidation(model, [es, rl, mc]);
      // The run these tests rely on: it reduces the rate after the crash, stops early, and ends
      // on the weights of an earlier epoch than the last.
      expect(es.stoppedEpoch).toBe(5);
      expect(es.bestEpoch).toBe(2);
      expect(model.optimizer.learningRate).toBe(0.025);
      return { model, history, es, mc };
    }

    test('a run crashed mid-patience stops at the same epoch on the same best weights, bit for bit', async () => {
      const expected = await uninterruptedRun();
      const backupDir = join(await tempDir(), 'backup');

      const [es1, rl1, mc1] = stateful(await tempDir());
      await expect(
        fitWithValidation(build('adam', 8, 0.05), [
          callbacks.backupAndRestore({ backupDir }),
          es1,
          rl1,
          mc1,
          new CrashAfter(3),
        ]),
      ).rejects.toThrow('crash after epoch 3');
      // Counting towards a stop and towards a reduction: what a fresh callback would forget.
      expect(es1.wait).toBe(1);
      expect(rl1.wait).toBe(1);

      const resumed = build('adam', 8, 0.05);
      const [es2, rl2, mc2] = stateful(await tempDir());
      const ran = new EpochsRun();
      const history = await fitWithValidation(resumed, [
        callbacks.backupAndRestore({ backupDir }),
        es2,
        rl2,
        mc2,
        ran,
      ]);
      expect(ran.epochs).toEqual([4, 5]);
      expect(es2.stoppedEpoch).toBe(expected.es.stoppedEpoch);
      expect(es2.bestEpoch).toBe(expected.es.bestEpoch);
      expect(mc2.best).toBe(expected.mc.best);
      expect(resumed.optimizer.learningRate).toBe(expected.model.optimizer.learningRate);
      expectSameBits(resumed, expected.model);
      expect(history.history).toEqual(expected.history.history);
      expect(existsSync(backupDir)).toBe(false);
    });

    test('a run killed after EarlyStopping stopped it, before training ended, stops again on resume', async () => {
      const expected = await uninterruptedRun();
      const backupDir = join(await tempDir(), 'backup');
      // Listed first, so it fails before BackupAndRestore deletes the backup of the last epoch.
      class CrashAtTrainEnd extends Callback {
        override onTrainEnd(): void {
          throw new Error('crash at the end of training');
        }
      }
      await expect(
        fitWithValidation(build('adam', 8, 0.05), [
          new CrashAtTrainEnd(),
          callbacks.backupAndRestore({ backupDir }),
          ...stateful(await tempDir()),
        ]),
      ).rejects.toThrow('crash at the end of training');

      const resumed = build('adam', 8, 0.05);
      const [es, rl, mc] = stateful(await tempDir());
      const ran = new EpochsRun();
      const history = await fitWithValidation(resumed, [
        callbacks.backupAndRestore({ backupDir }),
        es,
        rl,
        mc,
        ran,
      ]);
      expect(ran.epochs).toEqual([]);
      expect(es.stoppedEpoch).toBe(5);
      expectSameBits(resumed, expected.model);
      expect(history.history).toEqual(expected.history.history);
    });

    test('a backup made with other stateful callbacks is refused, naming the backup folder, and changes nothing', async () => {
      const backupDir = join(await tempDir(), 'backup');
      const [es, rl] = stateful(await tempDir());
      await expect(
        fitWithValidation(build('adam', 8, 0.05), [
          callbacks.backupAndRestore({ backupDir }),
          es,
          rl,
          new CrashAfter(0),
        ]),
      ).rejects.toThrow('crash after epoch 0');

      const model = build('adam', 8, 0.05);
      const fresh = build('adam', 8, 0.05);
      const [es2, rl2] = stateful(await tempDir());
      await expect(
        fitWithValidation(model, [callbacks.backupAndRestore({ backupDir }), rl2, es2]),
      ).rejects.toThrow(
        `BackupAndRestore: the backup in ${join(backupDir, 'epoch-1')} was made with the stateful callbacks ` +
          'EarlyStopping, ReduceLROnPlateau, this fit has ReduceLROnPlateau, EarlyStopping; ' +
          `pass the same callbacks in the same order to resume, delete ${backupDir} to start afresh`,
      );
      await expect(
        fitWithValidation(build('adam', 8, 0.05), [callbacks.backupAndRestore({ backupDir })]),
      ).rejects.toThrow(
        'was made with the stateful callbacks EarlyStopping, ReduceLROnPlateau, this fit has none',
      );
      expectSameBits(model, fresh);
    });
  });

  test('a model killed with SIGKILL resumes from its last backup when run again', async () => {
    const [a, b] = [await tempDir(), await tempDir()];
    const script = new URL('./fixtures/backup-train.ts', import.meta.url).pathname;
    const args = (dir: string, pauseMs: number) => [
      '--import',
      'tsx',
      script,
      join(dir, 'backup'),
      join(dir, 'out.json'),
      String(pauseMs),
    ];
    const runToEnd = async (dir: string) =>
      (await promisify(execFile)(process.execPath, args(dir, 0))).stdout.trim();

    expect(await runToEnd(a)).toBe('first epoch: 0');

    const child = spawn(process.execPath, args(b, 300), { stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('exit', (_, signal) => resolve(signal)),
    );
    // After epoch 4, when EarlyStopping and ReduceLROnPlateau are each one epoch into their patience.
    await killOnceBackedUp(child, join(b, 'backup'), 4);
    expect(await exited).toBe('SIGKILL');
    expect(existsSync(join(b, 'out.json'))).toBe(false);

    const resumedAt = Number((await runToEnd(b)).replace('first epoch: ', ''));
    expect(resumedAt).toBeGreaterThanOrEqual(4);
    const [expected, got] = await Promise.all(
      [a, b].map(async (d) => JSON.parse(await readFile(join(d, 'out.json'), 'utf8'))),
    );
    expect(got).toEqual(expected);
    expect(existsSync(join(b, 'backup'))).toBe(false);
  });

  test('a backup of another model is refused, naming the backup folder', async () => {
    const backupDir = join(await tempDir(), 'backup');
    await train(build('adam', 8), [callbacks.backupAndRestore({ backupDir, deleteCheckpoint: false })], 1);
    await expect(train(build('adam', 5), [callbacks.backupAndRestore({ backupDir })])).rejects.toThrow(
      `the backup in ${join(backupDir, 'epoch-1')} is of another model`,
    );
    await expect(train(build('sgdMomentum', 8), [callbacks.backupAndRestore({ backupDir })])).rejects.toThrow(
      'is of another model',
    );
  });

  test('deleteCheckpoint: false keeps the last backup, and a run already finished resumes to the same end', async () => {
    const backupDir = join(await tempDir(), 'backup');
    const first = build();
    const expected = await train(first, [callbacks.backupAndRestore({ backupDir, deleteCheckpoint: false })]);
    expect(await readdir(backupDir)).toEqual(['epoch-4', 'latest.json']);
    const json = await readModelJson(join(backupDir, 'epoch-4'));
    expect(json.metadata.epoch).toBe(3);
    expect(json.weightsManifest.optimizer.length).toBeGreaterThan(0);

    const again = build();
    const ran = new EpochsRun();
    const history = await train(again, [
      callbacks.backupAndRestore({ backupDir, deleteCheckpoint: false }),
      ran,
    ]);
    expect(ran.epochs).toEqual([]);
    expect(values(again)).toEqual(values(first));
    expect(again.optimizer.iterations).toBe(first.optimizer.iterations);
    expect(history.history).toEqual(expected.history);
    expect(existsSync(join(backupDir, 'latest.json'))).toBe(true);
  });

  test('a fit with no epoch left to run leaves no folder behind', async () => {
    const backupDir = join(await tempDir(), 'backup');
    const m = build();
    await m.fit(x, y, {
      epochs: 2,
      initialEpoch: 2,
      verbose: 0,
      callbacks: [callbacks.backupAndRestore({ backupDir })],
    });
    expect(existsSync(backupDir)).toBe(false);
  });

  test('the losses of a diverged run survive the backup as NaN', async () => {
    const backupDir = join(await tempDir(), 'backup');
    const m = build();
    class Poison extends Callback {
      override onEpochEnd(_epoch: number, logs: Record<string, number>): void {
        logs.loss = Number.NaN;
      }
    }
    await expect(
      train(m, [new Poison(), callbacks.backupAndRestore({ backupDir }), new CrashAfter(0)]),
    ).rejects.toThrow();
    const history = await train(build(), [callbacks.backupAndRestore({ backupDir })], 1);
    expect(history.history.loss).toEqual([Number.NaN]);
  });

  test('the random stream resumes exactly, the spare normal of Box–Muller included', () => {
    setSeed(3);
    randomNormal([3]); // odd: one normal is left over for the next draw
    const state = getRngState();
    expect(state.spareNormal).not.toBeNull();
    const next = randomNormal([5]).values;
    setRngState(JSON.parse(JSON.stringify(state)));
    expect(randomNormal([5]).values).toEqual(next);
    expect(() => setRngState({ s: [0, 0, 0, 0], spareNormal: null })).toThrow('setRngState: state is');
  });

  test('options are checked', () => {
    expect(() => callbacks.backupAndRestore({ backupDir: '' })).toThrow(
      'BackupAndRestore: backupDir is "", expected a non-empty path',
    );
    expect(() =>
      callbacks.backupAndRestore({ backupDir: 'b', deleteCheckpoint: 'yes' as unknown as boolean }),
    ).toThrow('BackupAndRestore: deleteCheckpoint is "yes", expected true or false');
  });
});

/** Polls the backup folder and kills the child once the backup of `epochs` epochs is there. */
async function killOnceBackedUp(child: ChildProcess, backupDir: string, epochs: number): Promise<void> {
  for (;;) {
    if (child.exitCode !== null) throw new Error('the child finished before it could be killed');
    const latest = await readFile(join(backupDir, 'latest.json'), 'utf8').catch(() => null);
    const done = latest === null ? 0 : Number(/epoch-(\d+)/.exec(latest)?.[1]);
    if (done >= epochs) {
      child.kill('SIGKILL');
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
