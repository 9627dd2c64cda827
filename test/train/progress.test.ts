import { describe, expect, test } from 'vitest';
import type { Logs, TrainingParams } from '../../src/train/callback.js';
import { formatValue, ProgbarLogger } from '../../src/train/progress.js';

class FakeStream {
  writes: string[] = [];
  constructor(readonly isTTY: boolean) {}
  write(text: string): boolean {
    this.writes.push(text);
    return true;
  }
  get text(): string {
    return this.writes.join('');
  }
}

const epochLogs: Logs = { loss: 0.1064, accuracy: 0.9669, val_loss: 0.0637, val_accuracy: 0.9757 };
const epochMetrics = ' - loss: 0.1064 - accuracy: 0.9669 - val_loss: 0.0637 - val_accuracy: 0.9757';

/** A logger on a fake stream and clock (ms), with `tick(ms)` to move the clock. */
function setup(isTTY: boolean, params: Partial<TrainingParams> = {}) {
  const stream = new FakeStream(isTTY);
  const clock = { t: 0 };
  const logger = new ProgbarLogger({ stream, now: () => clock.t });
  logger.setParams({ epochs: 2, steps: 10, samples: 320, batchSize: 32, verbose: 1, metrics: [], ...params });
  return { stream, clock, logger };
}

/** One epoch of 10 steps: a slow first step (1 s), then 100 ms each; the epoch ends with step 10. */
function runEpoch({ clock, logger }: ReturnType<typeof setup>, epoch: number): void {
  logger.onEpochBegin(epoch);
  for (let batch = 0; batch < 10; batch++) {
    clock.t += batch === 0 ? 1000 : 100;
    logger.onBatchEnd(batch, { loss: 0.5 - batch / 100, accuracy: 0.8 + batch / 100 });
  }
  logger.onEpochEnd(epoch, epochLogs);
}

describe('ProgbarLogger', () => {
  test('on a terminal: header, bar redrawn in place, then the epoch line', () => {
    const run = setup(true);
    runEpoch(run, 0);
    const { writes } = run.stream;
    expect(writes[0]).toBe('Epoch 1/2\n');
    // After step 1 the estimate is the first step's time: 1 s for each of the 9 left.
    expect(writes[1]).toBe(
      '\r 1/10 [==>...........................] - ETA: 9s - loss: 0.5000 - accuracy: 0.8000',
    );
    // From step 2 on, the first step is left out of the estimate: 100 ms each.
    expect(writes[2]).toBe(
      '\r 2/10 [=====>........................] - ETA: 0s - loss: 0.4900 - accuracy: 0.8100',
    );
    expect(writes[9]).toBe(
      '\r 9/10 [==========================>...] - ETA: 0s - loss: 0.4200 - accuracy: 0.8800',
    );
    expect(writes[10]).toBe(
      '\r10/10 [==============================] - ETA: 0s - loss: 0.4100 - accuracy: 0.8900',
    );
    // 1.9 s elapsed rounds to 2 s; the 9 steps after the first took 100 ms each.
    expect(writes[11]).toBe(`\r10/10 [==============================] - 2s 100ms/step${epochMetrics}\n`);
    expect(writes).toHaveLength(12);
  });

  test('on a terminal, redraws are throttled to one per 50 ms, but the epoch line always comes', () => {
    const { stream, clock, logger } = setup(true, { steps: 100 });
    logger.onEpochBegin(0);
    for (let batch = 0; batch < 100; batch++) {
      clock.t += 10;
      logger.onBatchEnd(batch, { loss: 1 });
    }
    logger.onEpochEnd(0, { loss: 1 });
    const bars = stream.writes.filter((w) => w.startsWith('\r'));
    // Steps 1, 6, 11, … 96 are drawn (every 50 ms), then the final line.
    expect(bars).toHaveLength(21);
    expect(bars[1]).toMatch(/^\r {2}6\/100 /);
    expect(bars[20]).toBe('\r100/100 [==============================] - 1s 10ms/step - loss: 1.0000\n');
  });

  test('a shorter line is padded with spaces to wipe the longer one before it', () => {
    const { stream, clock, logger } = setup(true, { epochs: 1 });
    logger.onEpochBegin(0);
    clock.t = 100;
    logger.onBatchEnd(0, { loss: 12345.678 });
    clock.t = 200;
    logger.onBatchEnd(1, { loss: 0.5 });
    const [first, second] = stream.writes;
    expect(first).toBe('\r 1/10 [==>...........................] - ETA: 0s - loss: 12345.6780');
    expect(second).toBe(`\r 2/10 [=====>........................] - ETA: 0s - loss: 0.5000${' '.repeat(4)}`);
    expect(second.length).toBe(first.length);
  });

  test('on a log file: no redraws and no carriage returns, only headers and epoch lines', () => {
    const run = setup(false);
    runEpoch(run, 0);
    runEpoch(run, 1);
    expect(run.stream.text).not.toContain('\r');
    expect(run.stream.text).toBe(
      'Epoch 1/2\n' +
        `10/10 [==============================] - 2s 100ms/step${epochMetrics}\n` +
        'Epoch 2/2\n' +
        `10/10 [==============================] - 2s 100ms/step${epochMetrics}\n`,
    );
  });

  test('verbose 2: one line per epoch in Keras 2 form, with time per epoch and per step', () => {
    const run = setup(true, { verbose: 2 });
    runEpoch(run, 0);
    expect(run.stream.text).toBe(`Epoch 1/2\n10/10 - 2s${epochMetrics} - 2s/epoch - 190ms/step\n`);
  });

  test('an unknown number of steps (a dataset) shows a count, then the bar once it is known', () => {
    const { stream, clock, logger } = setup(true, { steps: 0, epochs: 1 });
    logger.onEpochBegin(0);
    for (let batch = 0; batch < 3; batch++) {
      clock.t += batch === 0 ? 1000 : 100;
      logger.onBatchEnd(batch, { loss: 0.5 - batch / 100 });
    }
    logger.onEpochEnd(0, { loss: 0.48 });
    expect(stream.writes).toEqual([
      '\r      1/Unknown - 1s 1s/step - loss: 0.5000',
      '\r      2/Unknown - 1s 100ms/step - loss: 0.4900',
      '\r      3/Unknown - 1s 100ms/step - loss: 0.4800',
      '\r3/3 [==============================] - 1s 100ms/step - loss: 0.4800\n',
    ]);

    const verbose2 = setup(false, { steps: 0, epochs: 1, verbose: 2 });
    runEpoch(verbose2, 0);
    expect(verbose2.stream.text).toBe(`10/10 - 2s${epochMetrics} - 2s/epoch - 190ms/step\n`);
  });

  test('verbose 0 prints nothing', () => {
    const run = setup(true, { verbose: 0 });
    runEpoch(run, 0);
    expect(run.stream.writes).toEqual([]);
  });

  test('a single epoch has no header, as in Keras', () => {
    const run = setup(false, { epochs: 1 });
    runEpoch(run, 0);
    expect(run.stream.text).toBe(`10/10 [==============================] - 2s 100ms/step${epochMetrics}\n`);
  });

  test('ETA in minutes and hours, time per step in us and s, halves of seconds rounded to even', () => {
    const eta = (steps: number): string => {
      const { stream, clock, logger } = setup(true, { steps });
      logger.onEpochBegin(0);
      clock.t = 1000;
      logger.onBatchEnd(0, {});
      return stream.writes[1].split(' - ')[1];
    };
    expect(eta(126)).toBe('ETA: 2:05');
    expect(eta(3702)).toBe('ETA: 1:01:41');

    const final = (steps: number, ms: number): string => {
      const { stream, clock, logger } = setup(false, { steps, epochs: 1 });
      logger.onEpochBegin(0);
      clock.t = ms;
      logger.onEpochEnd(0, {});
      return stream.text;
    };
    expect(final(10000, 5000)).toBe('10000/10000 [==============================] - 5s 500us/step\n');
    expect(final(1, 2500)).toBe('1/1 [==============================] - 2s 2s/step\n');
    expect(final(1, 3500)).toBe('1/1 [==============================] - 4s 4s/step\n');
  });

  test('metric values as Keras formats them', () => {
    expect(formatValue(0.30123)).toBe('0.3012');
    expect(formatValue(-2.5)).toBe('-2.5000');
    expect(formatValue(1e-4)).toBe('1.0000e-04');
    expect(formatValue(0)).toBe('0.0000e+00');
    expect(formatValue(123456)).toBe('123456.0000');
    expect(formatValue(Number.NaN)).toBe('nan');
    expect(formatValue(Number.POSITIVE_INFINITY)).toBe('inf');
  });
});
