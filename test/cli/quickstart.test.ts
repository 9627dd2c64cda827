import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, test } from 'vitest';
import { loadMnist } from '../../src/data/mnist.js';
import { deepline, tempDir } from './helpers.js';

// The README's first command: the seed CNN on MNIST, validated, trained, evaluated, registered,
// reported; then the registered model reads a PNG the way a user would hand it one.

const pipeline = new URL('../../examples/mnist.yaml', import.meta.url).pathname;

describe('deepline run examples/mnist.yaml', () => {
  test('trains the seed CNN past the 98% gate, registers it and reports it with its mistakes', async () => {
    const dir = tempDir();
    const env = { DEEPLINE_HOME: join(dir, '.deepline') };
    const run = await deepline(['run', pipeline], dir, env);
    expect(run.code, run.stderr).toBe(0);
    const accuracy = Number(run.stdout.match(/test: accuracy (0\.\d+)/)![1]);
    expect(accuracy).toBeGreaterThanOrEqual(0.98);
    expect(run.stdout).toContain('registered mnist v1 as production (promoted)');
    expect(run.stdout).toContain('next: deepline serve --model mnist@production');

    const html = readFileSync(join(dir, run.stdout.match(/report: (\S+)/)![1]), 'utf8');
    for (const chart of ['training-loss', 'training-accuracy', 'confusion-matrix', 'per-class'])
      expect(html).toContain(`data-chart="${chart}"`);
    expect(html.match(/<img [^>]*src="data:image\/png;base64,/g)).toHaveLength(36);

    // Test digits as PNG files (0–255 grayscale, as a scanner or a browser would send them).
    const { test: digits } = await loadMnist();
    const pixels = digits.images.values;
    const files: string[] = [];
    for (let i = 0; i < 20; i++) {
      const png = new PNG({ width: 28, height: 28 });
      for (let p = 0; p < 784; p++) {
        const v = Math.round(pixels[i * 784 + p] * 255);
        png.data.set([v, v, v, 255], p * 4);
      }
      const file = join(dir, `digit-${String(i).padStart(2, '0')}.png`);
      writeFileSync(file, PNG.sync.write(png));
      files.push(file);
    }
    const predict = await deepline(['predict', 'mnist', dir], dir, env);
    expect(predict.code, predict.stderr).toBe(0);
    const rows = predict.stdout.trim().split('\n');
    expect(rows[0]).toBe('file,prediction,probability');
    const predicted = rows.slice(1).map((r) => r.split(',')[1]);
    const labels = Array.from(digits.labels.values.slice(0, 20), String);
    const right = predicted.filter((p, i) => p === labels[i]).length;
    expect(right).toBeGreaterThanOrEqual(19);

    const evaluate = await deepline(['evaluate', 'mnist@production', 'mnist'], dir, env);
    expect(evaluate.code, evaluate.stderr).toBe(0);
    expect(evaluate.stdout).toContain(`accuracy         ${accuracy}`);
  }, 300_000);
});
