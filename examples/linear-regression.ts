import {
  add,
  matMul,
  mean,
  mul,
  randomNormal,
  randomUniform,
  setSeed,
  square,
  sub,
  type Tensor,
  valueAndGrad,
  zeros,
} from 'deepline';

// Data: y = 3x − 2, plus a little noise.
setSeed(0);
const x = randomUniform([100, 1], { minval: -1, maxval: 1 });
const y = add(sub(mul(x, 3), 2), mul(randomNormal([100, 1]), 0.1));

// The loss as a function of the parameters; valueAndGrad returns it with its gradients.
const loss = (w: Tensor, b: Tensor) => mean(square(sub(add(matMul(x, w), b), y)));
const lossAndGrads = valueAndGrad(loss);

let w = zeros([1, 1]);
let b = zeros([1]);
for (let step = 1; step <= 300; step++) {
  const { value, grads } = lossAndGrads(w, b);
  w = sub(w, mul(grads[0], 0.1));
  b = sub(b, mul(grads[1], 0.1));
  if (step % 100 === 0) console.log(`step ${step}: loss ${value.item().toFixed(4)}`);
}
console.log(`learned w = ${w.item().toFixed(2)}, b = ${b.item().toFixed(2)}`);
