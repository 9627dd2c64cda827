import type { Tensor } from '../src/index.js';
import * as dl from '../src/index.js';
import { adamUpdate } from '../src/ops/adam.js';

// The seed experiment's two models written directly on the engine (the Keras-style model API is
// a later issue), with Keras's initialisers and Adam.

export interface SeedModel {
  params: Tensor[];
  /** Logits for a batch of images [batch, 28, 28, 1]. */
  forward(params: Tensor[], x: Tensor, training: boolean): Tensor;
}

function glorotUniform(shape: number[], fanIn: number, fanOut: number): Tensor {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  return dl.randomUniform(shape, { minval: -limit, maxval: limit });
}

/** Conv2D 32×3×3 relu → MaxPool 2×2 (fused) → Flatten → Dense 128 relu → Dropout 0.5 → Dense 10. */
export function seedCnn(): SeedModel {
  return {
    params: [
      glorotUniform([3, 3, 1, 32], 9, 288),
      dl.zeros([32]),
      glorotUniform([5408, 128], 5408, 128),
      dl.zeros([128]),
      glorotUniform([128, 10], 128, 10),
      dl.zeros([10]),
    ],
    forward([k1, b1, w2, b2, w3, b3], x, training) {
      const pooled = dl.flatten(dl.conv2dMaxPool(x, k1, { bias: b1, activation: 'relu' }));
      const hidden = dl.matMul(pooled, w2, { bias: b2, activation: 'relu' });
      const dropped = training ? dl.dropout(hidden, 0.5) : hidden;
      return dl.matMul(dropped, w3, { bias: b3 });
    },
  };
}

/** The from-scratch MLP: 784 → 100 sigmoid → 10. */
export function seedMlp(): SeedModel {
  return {
    params: [
      glorotUniform([784, 100], 784, 100),
      dl.zeros([100]),
      glorotUniform([100, 10], 100, 10),
      dl.zeros([10]),
    ],
    forward([w1, b1, w2, b2], x) {
      const hidden = dl.matMul(dl.reshape(x, [-1, 784]), w1, { bias: b1, activation: 'sigmoid' });
      return dl.matMul(hidden, w2, { bias: b2 });
    },
  };
}

/** Adam (Kingma & Ba) with Keras's defaults: one training step, returning the loss. */
export function adamTrainer(model: SeedModel, learningRate = 0.001) {
  const beta1 = 0.9;
  const beta2 = 0.999;
  const epsilon = 1e-7;
  const m = model.params.map((p) => dl.zerosLike(p));
  const v = model.params.map((p) => dl.zerosLike(p));
  let step = 0;
  return (x: Tensor, labels: Tensor): number => {
    const { value, grads } = dl.valueAndGrad((...params: Tensor[]) =>
      dl.mean(dl.sparseSoftmaxCrossEntropy(labels, model.forward(params, x, true))),
    )(...model.params);
    step++;
    const rate = (learningRate * Math.sqrt(1 - beta2 ** step)) / (1 - beta1 ** step);
    model.params = model.params.map((p, i) => {
      const next = adamUpdate(p, grads[i], m[i], v[i], { learningRate: rate, beta1, beta2, epsilon });
      m[i] = next.m;
      v[i] = next.v;
      return next.param;
    });
    return value.item();
  };
}
