import type { Backend } from '../backend.js';
import { conv2d, conv2dBackward, conv2dMaxPool, conv2dMaxPoolBackward } from './conv.js';
import { softmaxCrossEntropy } from './cross-entropy.js';
import { binary, cast, unary, where } from './elementwise.js';
import { applyEpilogue, epilogueGrad } from './epilogue.js';
import { matMul } from './matmul.js';
import { broadcastTo, concat, gather, oneHot, pad, scatterAdd, slice, transpose } from './movement.js';
import { adam, sgd } from './optimizers.js';
import { avgPool2d, avgPool2dBackward, maxPool2d, maxPool2dBackward } from './pool.js';
import { argReduce, reduce } from './reduce.js';

/** The reference backend: plain loops over typed arrays, readable and exact enough to test against. */
export const jsBackend: Backend = {
  name: 'js',
  unary,
  binary,
  where,
  cast,
  reduce,
  argReduce,
  matMul: (a, b, info, epilogue) => applyEpilogue(matMul(a, b, info), info.n, epilogue),
  epilogueGrad,
  adam,
  sgd,
  softmaxCrossEntropy,
  transpose,
  broadcastTo,
  slice,
  pad,
  concat,
  gather,
  scatterAdd,
  oneHot,
  conv2d: (x, filter, info, epilogue) => applyEpilogue(conv2d(x, filter, info), info.outC, epilogue),
  conv2dBackward,
  conv2dMaxPool,
  conv2dMaxPoolBackward,
  maxPool2d,
  maxPool2dBackward,
  avgPool2d,
  avgPool2dBackward,
};
