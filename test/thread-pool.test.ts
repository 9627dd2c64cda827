import * as dl from 'deepline';
import { expect, test } from 'vitest';

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
