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

  test.each(['linear-regression', 'xor', 'mnist-cnn', 'telco-churn'])(
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

describe('real business data, from file to model-ready tables', () => {
  test('Online Retail: profiled, validated, cleaned by declared rules with every row counted, turned into interactions', async () => {
    const lines = await runScript('online-retail');
    expect(lines[0]).toBe('Profile: 541,909 rows, 8 columns');
    expect(lines).toContain('filter: 541,909 → 532,621 rows (−9,288 cancellation)');
    expect(lines).toContain('filter: 531,285 → 397,924 rows (−133,361 missing customer)');
    expect(
      lines.some((l) => /^dropDuplicates: 397,924 → 392,732 rows \(−5,192 exact duplicate\)$/.test(l)),
    ).toBe(true);
    expect(lines.some((l) => /^Validation of 221,204 rows: 0 errors/.test(l))).toBe(true);
    // Every input row is kept, dropped with a reason, or quarantined.
    const dropped = lines
      .filter((l) => /^(filter|dropDuplicates)/.test(l))
      .map((l) => Number(l.match(/\(−([\d,]+)/)![1].replaceAll(',', '')))
      .reduce((a, b) => a + b, 0);
    expect(lines).toContain('quarantined: 0 rows');
    expect(541_909 - dropped).toBe(391_150);
    expect(lines.at(-1)).toBe('interactions: 266221 customer × item pairs, 4334 customers, 3659 items');
  }, 300_000);

  test('Telco churn: the 11 blank TotalCharges handled by a rule, a model-ready matrix out', async () => {
    const lines = await runScript('telco-churn');
    expect(lines).toContain('impute: 7,043 → 7,043 rows changed TotalCharges: 11');
    expect(lines.at(-1)).toMatch(/^x: \[7043, \d+\], y: \[7043, 1\], churn rate 0\.265$/);
  }, 120_000);
});
