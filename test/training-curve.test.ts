import type { Tensor } from 'deepline';
import * as dl from 'deepline';
import { expect, test } from 'vitest';
import { adamUpdate } from '../src/ops/adam.js';
import { onBackend } from './helpers/backends.js';

// The seed CNN's structure, scaled down, trained with Adam from one seed on every backend: the
// first 20 steps' losses must agree within 1e-3, so switching backends never changes a result.
function trainingCurve(backend: string): number[] {
  return onBackend(backend, () => {
    dl.setSeed(2024);
    const x = dl.randomUniform([32, 12, 12, 1]);
    const labels = dl.randomUniform([32], { maxval: 10, dtype: 'int32' });
    let params: Tensor[] = [
      dl.mul(dl.randomNormal([3, 3, 1, 8]), 0.3),
      dl.zeros([8]),
      dl.mul(dl.randomNormal([200, 32]), 0.05),
      dl.zeros([32]),
      dl.mul(dl.randomNormal([32, 10]), 0.1),
      dl.zeros([10]),
    ];
    const loss = (k: Tensor, b: Tensor, w1: Tensor, b1: Tensor, w2: Tensor, b2: Tensor) => {
      const pooled = dl.flatten(dl.conv2dMaxPool(x, k, { bias: b, activation: 'relu' }));
      const hidden = dl.dropout(dl.matMul(pooled, w1, { bias: b1, activation: 'relu' }), 0.5);
      return dl.mean(dl.sparseSoftmaxCrossEntropy(labels, dl.matMul(hidden, w2, { bias: b2 })));
    };
    const step = dl.valueAndGrad(loss);
    const m = params.map((p) => dl.zerosLike(p));
    const v = params.map((p) => dl.zerosLike(p));
    const losses: number[] = [];
    for (let t = 1; t <= 20; t++) {
      const { value, grads } = step(...(params as [Tensor, Tensor, Tensor, Tensor, Tensor, Tensor]));
      losses.push(value.item());
      const learningRate = (0.01 * Math.sqrt(1 - 0.999 ** t)) / (1 - 0.9 ** t);
      params = params.map((p, i) => {
        const next = adamUpdate(p, grads[i], m[i], v[i], {
          learningRate,
          beta1: 0.9,
          beta2: 0.999,
          epsilon: 1e-7,
        });
        m[i] = next.m;
        v[i] = next.v;
        return next.param;
      });
    }
    return losses;
  });
}

test('every backend follows the js training curve for 20 steps', () => {
  const reference = trainingCurve('js');
  expect(reference[19]).toBeLessThan(reference[0]);
  for (const backend of dl.backendNames().filter((name) => name !== 'js')) {
    const curve = trainingCurve(backend);
    curve.forEach((loss, i) => {
      expect(Math.abs(loss - reference[i]), `${backend}, step ${i + 1}`).toBeLessThanOrEqual(1e-3);
    });
  }
});
