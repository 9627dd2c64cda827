import type { Tensor } from 'deepline';
import * as dl from 'deepline';
import { expect, test } from 'vitest';

// Users never dispose tensors: the garbage collector must reclaim every step's tensors and graph.
test('10,000 training steps of a small MLP keep a flat memory profile', () => {
  dl.setSeed(0);
  const x = dl.randomNormal([32, 8]);
  const y = dl.sum(dl.square(x), 1, { keepDims: true });
  const params: Tensor[] = [
    dl.mul(dl.randomNormal([8, 16]), 0.3),
    dl.zeros([16]),
    dl.mul(dl.randomNormal([16, 1]), 0.3),
    dl.zeros([1]),
  ];
  const loss = (w1: Tensor, b1: Tensor, w2: Tensor, b2: Tensor) => {
    const hidden = dl.relu(dl.add(dl.matMul(x, w1), b1));
    return dl.mean(dl.square(dl.sub(dl.add(dl.matMul(hidden, w2), b2), y)));
  };
  const step = dl.valueAndGrad(loss);

  let rssAt1000 = 0;
  let first = 0;
  let last = 0;
  for (let i = 1; i <= 10_000; i++) {
    const { value, grads } = step(...(params as [Tensor, Tensor, Tensor, Tensor]));
    dl.noGrad(() => {
      params.forEach((p, j) => {
        params[j] = dl.sub(p, dl.mul(grads[j], 0.01));
      });
    });
    if (i === 1) first = value.item();
    if (i === 1000) rssAt1000 = process.memoryUsage().rss;
    last = value.item();
  }
  const rssAtEnd = process.memoryUsage().rss;

  expect(last).toBeLessThan(first / 2);
  // Within 10% of the RSS after step 1,000, the bound for a leak-free engine.
  expect(rssAtEnd).toBeLessThanOrEqual(rssAt1000 * 1.1);
  console.log(
    `RSS after step 1,000: ${(rssAt1000 / 2 ** 20).toFixed(1)} MiB, after step 10,000: ${(rssAtEnd / 2 ** 20).toFixed(1)} MiB`,
  );
});
