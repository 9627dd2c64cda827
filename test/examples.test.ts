import { readFileSync } from 'node:fs';
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

  test.each(['linear-regression', 'xor'])('examples/%s.ts appears in the README unchanged', (example) => {
    expect(read('README.md')).toContain(read(`examples/${example}.ts`));
  });

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
