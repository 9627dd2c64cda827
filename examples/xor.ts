import {
  add,
  matMul,
  mean,
  mul,
  randomNormal,
  setSeed,
  sigmoid,
  sigmoidCrossEntropy,
  sub,
  type Tensor,
  tanh,
  tensor,
  valueAndGrad,
  zeros,
} from 'deepline';

// XOR: not linearly separable, so it needs a hidden layer.
const x = tensor([
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
]);
const y = tensor([[0], [1], [1], [0]]);

setSeed(42);
let params = [randomNormal([2, 8]), zeros([8]), randomNormal([8, 1]), zeros([1])];

// Two layers: tanh hidden units, then one logit per example.
const logits = (w1: Tensor, b1: Tensor, w2: Tensor, b2: Tensor) =>
  add(matMul(tanh(add(matMul(x, w1), b1)), w2), b2);
const loss = (w1: Tensor, b1: Tensor, w2: Tensor, b2: Tensor) =>
  mean(sigmoidCrossEntropy(y, logits(w1, b1, w2, b2)));
const lossAndGrads = valueAndGrad(loss);

for (let step = 1; step <= 1000; step++) {
  const { value, grads } = lossAndGrads(params[0], params[1], params[2], params[3]);
  params = params.map((p, i) => sub(p, mul(grads[i], 0.5)));
  if (step % 250 === 0) console.log(`step ${step}: loss ${value.item().toFixed(4)}`);
}
const predictions = sigmoid(logits(params[0], params[1], params[2], params[3]));
console.log(`predictions: ${Array.from(predictions.data(), (p) => p.toFixed(2)).join(' ')}`);
