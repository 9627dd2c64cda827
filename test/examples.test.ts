import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterEach, describe, expect, test, vi } from 'vitest';

// The README's examples are the files in examples/, shown verbatim; here they run as a reader
// would paste them, and must print what the README promises.

const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');

async function run(example: string): Promise<string[]> {
  const lines: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    lines.push(args.join(' '));
  });
  try {
    await import(`../examples/${example}.ts`);
  } finally {
    log.mockRestore();
  }
  return lines;
}

describe('README examples', () => {
  afterEach(() => {
    vi.resetModules();
  });

  test.each(['linear-regression', 'xor', 'mnist-cnn'])(
    'examples/%s.ts appears in the README unchanged',
    (example) => {
      expect(read('README.md')).toContain(read(`examples/${example}.ts`));
    },
  );

  test('linear regression recovers y = 3x − 2', async () => {
    const lines = await run('linear-regression');
    const [, w, b] = lines.at(-1)!.match(/w = (-?[\d.]+), b = (-?[\d.]+)/)!;
    expect(Number(w)).toBeCloseTo(3, 1);
    expect(Number(b)).toBeCloseTo(-2, 1);
  });

  test('the two-layer MLP learns XOR', async () => {
    const lines = await run('xor');
    const predictions = lines.at(-1)!.replace('predictions: ', '').split(' ').map(Number);
    expect(predictions.map(Math.round)).toEqual([0, 1, 1, 0]);
  });
});

/** Runs an example as a reader would, in its own process (it reads its own command line). */
async function runScript(example: string, ...args: string[]): Promise<string[]> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', `examples/${example}.ts`, ...args],
    { cwd: new URL('..', import.meta.url), maxBuffer: 1 << 24 },
  );
  return stdout.trimEnd().split('\n');
}

describe('the seed experiment on MNIST', () => {
  test('the CNN prints the Keras summary and log, and one epoch already passes 97% on the test set', async () => {
    const lines = await runScript('mnist-cnn', '--epochs', '1');
    expect(lines).toContain('Total params: 693,962');
    expect(
      lines.some((l) =>
        /^422\/422 \[=+\] - \d+s \d+ms\/step - loss: [\d.]+ - accuracy: [\d.]+ - val_loss: [\d.]+ - val_accuracy: [\d.]+$/.test(
          l,
        ),
      ),
    ).toBe(true);
    const accuracy = Number(lines.at(-1)!.match(/^Test accuracy: (0\.\d{4})$/)![1]);
    expect(accuracy).toBeGreaterThan(0.97);
  }, 300_000);

  test('the sigmoid MLP trained by SGD reaches 97% test accuracy, and the same seed gives the same log', async () => {
    const [first, second] = [await runScript('mnist-mlp'), await runScript('mnist-mlp', '--epochs', '1')];
    expect(Number(first.at(-1)!.match(/^Test accuracy: (0\.\d{4})$/)![1])).toBeGreaterThanOrEqual(0.97);
    // The first epoch's line, timings aside, is the same in both runs.
    const epochLine = (lines: string[]) =>
      lines.find((l) => l.startsWith('1500/1500') || / - loss: /.test(l))!.replace(/ - \d+m?s.*?step/, '');
    expect(epochLine(second)).toBe(epochLine(first));
  }, 300_000);
});
