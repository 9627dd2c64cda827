// npm run bench:kernels — GEMM and convolution speed of the wasm backend with 1 and 2 threads,
// next to the js reference and the machine's measured ceiling for 128-bit SIMD.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { backend, type Conv2DInfo, getBackend, setBackend } from '../src/backend/index.js';
import { inChild, machine, medianMs } from './timing.js';

interface Row {
  name: string;
  flops: number;
  ms: Record<string, number>;
}

const script = fileURLToPath(import.meta.url);
const SQUARE = [64, 128, 256, 512, 1024];
// The seed CNN's dense layer at batch 128: forward, weight gradient, input gradient.
const SEED_GEMMS: [string, number, number, number, boolean, boolean][] = [
  ['dense forward 128×5408·5408×128', 128, 5408, 128, false, false],
  ['dense dW 5408×128ᵀ·128×128', 5408, 128, 128, true, false],
  ['dense dX 128×128·(5408×128)ᵀ', 128, 128, 5408, false, true],
];
const SEED_CONV: Conv2DInfo = {
  batch: 128,
  inH: 28,
  inW: 28,
  inC: 1,
  outH: 26,
  outW: 26,
  outC: 32,
  kH: 3,
  kW: 3,
  strideH: 1,
  strideW: 1,
  dilationH: 1,
  dilationW: 1,
  padTop: 0,
  padLeft: 0,
};

function random(size: number): Float32Array {
  const a = new Float32Array(size);
  for (let i = 0; i < size; i++) a[i] = Math.random() - 0.5;
  return a;
}

function gemmRow(
  name: string,
  m: number,
  k: number,
  n: number,
  tA: boolean,
  tB: boolean,
  repeats: number,
): Row {
  const a = random(m * k);
  const b = random(k * n);
  const info = { batch: 1, m, k, n, transposeA: tA, transposeB: tB, aBatchStride: 0, bBatchStride: 0 };
  return {
    name,
    flops: 2 * m * k * n,
    ms: { [getBackend()]: medianMs(() => backend().matMul(a, b, info), repeats) },
  };
}

function convRows(repeats: number): Row[] {
  const c = SEED_CONV;
  const x = random(c.batch * c.inH * c.inW * c.inC);
  const f = random(c.kH * c.kW * c.inC * c.outC);
  const dy = random(c.batch * c.outH * c.outW * c.outC);
  const flops = 2 * c.batch * c.outH * c.outW * c.outC * c.kH * c.kW * c.inC;
  const b = backend();
  const name = getBackend();
  const pool = {
    batch: 128,
    inH: 26,
    inW: 26,
    channels: 32,
    outH: 13,
    outW: 13,
    kH: 2,
    kW: 2,
    strideH: 2,
    strideW: 2,
    padTop: 0,
    padLeft: 0,
  };
  const bias = random(c.outC);
  const fused = b.conv2dMaxPool(x, f, c, pool, { bias, activation: 'relu' });
  const dPooled = random(fused.y.length);
  const filterAndBias = { input: false, filter: true, bias: true };
  const filterOnly = { input: false, filter: true, bias: false };
  const inputOnly = { input: true, filter: false, bias: false };
  return [
    { name: 'seed conv2d forward', flops, ms: { [name]: medianMs(() => b.conv2d(x, f, c), repeats) } },
    {
      name: 'seed conv2d filter gradient',
      flops,
      ms: { [name]: medianMs(() => b.conv2dBackward(x, f, dy, dy, c, 'linear', filterOnly), repeats) },
    },
    {
      name: 'seed conv2d input gradient',
      flops,
      ms: { [name]: medianMs(() => b.conv2dBackward(x, f, dy, dy, c, 'linear', inputOnly), repeats) },
    },
    {
      name: 'seed conv2d + bias + relu + max-pool, fused forward',
      flops,
      ms: { [name]: medianMs(() => b.conv2dMaxPool(x, f, c, pool, { bias, activation: 'relu' }), repeats) },
    },
    {
      name: 'seed conv2d + bias + relu + max-pool, fused backward (filter, bias)',
      flops,
      ms: {
        [name]: medianMs(
          () => b.conv2dMaxPoolBackward(x, f, dPooled, fused.y, fused.argmax, c, pool, 'relu', filterAndBias),
          repeats,
        ),
      },
    },
  ];
}

function measure(backendName: string, repeats: number): Row[] {
  setBackend(backendName);
  const sizes = backendName === 'js' ? SQUARE.filter((s) => s <= 512) : SQUARE;
  return [
    ...sizes.map((s) =>
      gemmRow(`GEMM ${s}×${s}×${s}`, s, s, s, false, false, s >= 512 && backendName === 'js' ? 1 : repeats),
    ),
    ...SEED_GEMMS.map(([name, m, k, n, tA, tB]) =>
      gemmRow(name, m, k, n, tA, tB, backendName === 'js' ? 1 : repeats),
    ),
    ...convRows(backendName === 'js' ? 1 : repeats),
  ];
}

/** GFLOP/s of the register-only multiply-add loop in kernels.wasm, on one core. */
function simdCeiling(): number {
  const wasm = readFileSync(new URL('../build/kernels.wasm', import.meta.url));
  const memory = new WebAssembly.Memory({ initial: 16, maximum: 32768, shared: true });
  const { exports } = new WebAssembly.Instance(new WebAssembly.Module(wasm), { env: { memory } });
  const peak = exports.simdPeak as (n: number) => number;
  const iterations = 2e7;
  const ms = medianMs(() => peak(iterations), 5);
  return (iterations * 96) / ms / 1e6;
}

if (process.argv.includes('--child')) {
  const which = process.argv[process.argv.indexOf('--child') + 1];
  const rows = which === 'ceiling' ? simdCeiling() : measure(which, 7);
  console.log(JSON.stringify(rows));
} else {
  const js = inChild<Row[]>(script, 1, ['js']);
  const one = inChild<Row[]>(script, 1, ['wasm']);
  const two = inChild<Row[]>(script, 2, ['wasm']);
  const ceiling = inChild<number>(script, 1, ['ceiling']);
  const gflops = (row: Row | undefined, key: string) =>
    row?.ms[key] ? ((row.flops / row.ms[key]) * 1e-6).toFixed(1) : '—';
  console.log(`Machine: ${machine()}`);
  console.log(
    `128-bit SIMD ceiling, measured (12 independent f32x4 mul+add chains, one core): ${ceiling.toFixed(1)} GFLOP/s`,
  );
  console.log('');
  console.log(
    '| kernel | js GFLOP/s | wasm 1 thread GFLOP/s | wasm 2 threads GFLOP/s | 2 threads ÷ 1 | wasm 2 threads ms |',
  );
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const [i, row] of one.entries()) {
    const jsRow = js.find((r) => r.name === row.name);
    const speedup = (row.ms.wasm / two[i].ms.wasm).toFixed(2);
    console.log(
      `| ${row.name} | ${gflops(jsRow, 'js')} | ${gflops(row, 'wasm')} | ${gflops(two[i], 'wasm')} | ${speedup}× | ${two[i].ms.wasm.toFixed(2)} |`,
    );
  }
}
