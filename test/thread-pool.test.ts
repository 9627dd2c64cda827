import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as dl from 'deepline';
import { expect, test } from 'vitest';
import { loadRuntime } from '../src/backend/wasm/runtime.js';

// The wasm backend's workers wait for jobs: briefly spinning after each one, then sleeping in
// Atomics.wait. An idle pool must cost (almost) no CPU, whatever the number of threads.
test('an idle thread pool does not burn a core', async () => {
  if (!dl.backendNames().includes('wasm')) throw new Error('the wasm backend did not start');
  const previous = dl.getBackend();
  dl.setBackend('wasm');
  try {
    const a = dl.randomNormal([256, 256], { seed: 1 });
    for (let i = 0; i < 20; i++) dl.matMul(a, a);
  } finally {
    dl.setBackend(previous);
  }
  await new Promise((resolve) => setTimeout(resolve, 50));
  const before = process.cpuUsage();
  await new Promise((resolve) => setTimeout(resolve, 500));
  const used = process.cpuUsage(before);
  // A worker spinning while idle would use ~500 ms of CPU here.
  expect((used.user + used.system) / 1000).toBeLessThan(100);
});

test('a kernel that fails on a worker raises an error instead of hanging, and the pool recovers', async () => {
  const rt = loadRuntime(2);
  // Until its workers have started, a pool runs every share on the calling thread.
  while (!rt.ready) await new Promise((resolve) => setTimeout(resolve, 5));
  const n = 4;
  const rows = 1024;
  // Rows split in two bands: the caller's band lies in memory, the worker's band runs past its end.
  const z = rt.memoryBytes - (rows / 2) * n * 4;
  expect(() => rt.run('epilogueThread', [z, 0, rows, n, 1])).toThrow(
    /wasm kernel epilogueThread failed on a worker thread \(worker 1: .*out of bounds/,
  );
  rt.reset();
  const ok = rt.zeros(rows * n);
  expect(() => rt.run('epilogueThread', [ok, 0, rows, n, 1])).not.toThrow();
});

test('a bad DEEPLINE_THREADS is reported, and ops fall back to the js backend', () => {
  const script =
    "import * as dl from './src/index.ts'; console.log(dl.getBackend(), String(dl.add(dl.ones([2]), 1)));";
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    env: { ...process.env, DEEPLINE_THREADS: 'many' },
    encoding: 'utf8',
  });
  expect(child.stderr).toContain(
    'deepline: the wasm backend could not start (DEEPLINE_THREADS is "many"; expected a whole number of threads, 1 or more)',
  );
  expect(child.stdout.trim()).toBe('js tensor([2., 2.], dtype=float32)');
});
