// The kernels of the wasm backend. Pointers are byte offsets into the shared memory that the
// JavaScript side manages; no kernel allocates. Functions ending in `Thread` take the thread's
// index and the thread count as their last two arguments and do that thread's share.
export { gemmScratchBytes, gemmThread, packBThread, packedBBytes } from './gemm';
export { col2imThread, im2colThread } from './conv';
export { simdPeak } from './peak';
export { epilogueGradThread, epilogueThread, zeroThread } from './epilogue';
export { avgPoolThread, maxPoolBackwardThread, maxPoolThread } from './pool';
export { adamThread, sgdThread } from './optim';
export { convMaxPoolThread } from './conv-pool';
