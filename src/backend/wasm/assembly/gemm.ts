// Single-precision GEMM: C = op(A) · op(B), with op(A) m × k and op(B) k × n, all row-major.
//
// The classic structure (Goto; BLIS): B is packed once into panels of NR columns, each thread
// packs its rows of A into panels of MR rows per block of KC, and a register-blocked MR × NR
// micro-kernel multiplies one A panel by one B panel. The loop over A panels is innermost, so a
// KC × NR slice of B (16 KiB) stays in L1 while an MC × KC block of A (256 KiB) streams from L2.

const MR = 4;
const NR = 16;
const KC = 256;
const MC = 256;

/** Bytes of scratch that each thread's gemmBlock needs: one packed MC × KC block of A and a tile. */
export function gemmScratchBytes(): i32 {
  return MC * KC * 4 + MR * NR * 4;
}

/** Bytes that packBThread writes for a k × n op(B). */
export function packedBBytes(k: i32, n: i32): i32 {
  return ((n + NR - 1) / NR) * NR * k * 4;
}

/**
 * Packs op(B) into NR-column panels: panel j holds, for each p, op(B)[p][NR·j .. NR·j + NR),
 * zero-padded. Thread t of T packs an equal share of the panels.
 */
export function packBThread(b: usize, k: i32, n: i32, transB: i32, dst: usize, t: i32, threads: i32): void {
  const panels = (n + NR - 1) / NR;
  const band = (panels + threads - 1) / threads;
  const last = min(panels, (t + 1) * band);
  for (let jp = t * band; jp < last; jp++) {
    const j0 = jp * NR;
    const cols = min(NR, n - j0);
    let out = dst + (<usize>jp * <usize>k * NR << 2);
    let p = 0;
    if (transB && cols == NR) {
      // op(B) = Bᵀ with B stored n × k: 4 × 4 blocks are transposed in registers.
      for (; p + 4 <= k; p += 4) {
        for (let group = 0; group < NR; group += 4) {
          const src = b + ((<usize>(j0 + group) * <usize>k + <usize>p) << 2);
          const stride = <usize>k << 2;
          const v0 = v128.load(src);
          const v1 = v128.load(src + stride);
          const v2 = v128.load(src + 2 * stride);
          const v3 = v128.load(src + 3 * stride);
          const t0 = v128.shuffle<f32>(v0, v1, 0, 4, 1, 5);
          const t1 = v128.shuffle<f32>(v0, v1, 2, 6, 3, 7);
          const t2 = v128.shuffle<f32>(v2, v3, 0, 4, 1, 5);
          const t3 = v128.shuffle<f32>(v2, v3, 2, 6, 3, 7);
          const o = out + (<usize>group << 2);
          v128.store(o, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
          v128.store(o + (NR << 2), v128.shuffle<f32>(t0, t2, 2, 3, 6, 7));
          v128.store(o + (2 * NR << 2), v128.shuffle<f32>(t1, t3, 0, 1, 4, 5));
          v128.store(o + (3 * NR << 2), v128.shuffle<f32>(t1, t3, 2, 3, 6, 7));
        }
        out += 4 * NR << 2;
      }
    }
    for (; p < k; p++) {
      if (!transB && cols == NR) {
        const src = b + ((<usize>p * <usize>n + <usize>j0) << 2);
        v128.store(out, v128.load(src));
        v128.store(out, v128.load(src, 16), 16);
        v128.store(out, v128.load(src, 32), 32);
        v128.store(out, v128.load(src, 48), 48);
      } else {
        for (let j = 0; j < NR; j++) {
          let v: f32 = 0;
          if (j < cols) {
            v = transB
              ? load<f32>(b + ((<usize>(j0 + j) * <usize>k + <usize>p) << 2))
              : load<f32>(b + ((<usize>p * <usize>n + <usize>(j0 + j)) << 2));
          }
          store<f32>(out + (<usize>j << 2), v);
        }
      }
      out += NR << 2;
    }
  }
}

/** Packs rows [r0, r1) and columns [pc, pc + kc) of op(A) into MR-row panels, zero-padded. */
function packA(a: usize, m: i32, k: i32, transA: i32, r0: i32, r1: i32, pc: i32, kc: i32, dst: usize): void {
  let out = dst;
  for (let i0 = r0; i0 < r1; i0 += MR) {
    if (transA && i0 + MR <= r1) {
      // The MR values of a column of op(A) are adjacent in a transposed A: one vector load.
      for (let p = pc; p < pc + kc; p++) {
        v128.store(out, v128.load(a + ((<usize>p * <usize>m + <usize>i0) << 2)));
        out += MR << 2;
      }
      continue;
    }
    for (let p = pc; p < pc + kc; p++) {
      for (let r = 0; r < MR; r++) {
        const i = i0 + r;
        let v: f32 = 0;
        if (i < r1) {
          v = transA
            ? load<f32>(a + ((<usize>p * <usize>m + <usize>i) << 2))
            : load<f32>(a + ((<usize>i * <usize>k + <usize>p) << 2));
        }
        store<f32>(out, v);
        out += 4;
      }
    }
  }
}

/**
 * Computes the block rows [r0, r1) × column panels [jp0, jp1) of C from a B packed by packBThread,
 * adding to C's previous contents when `accumulate` is set. Threads call it on disjoint blocks,
 * each with its own scratch of gemmScratchBytes() bytes.
 */
export function gemmBlock(
  a: usize,
  packedB: usize,
  c: usize,
  m: i32,
  k: i32,
  n: i32,
  transA: i32,
  accumulate: i32,
  r0: i32,
  r1: i32,
  jp0: i32,
  jp1: i32,
  scratch: usize,
): void {
  const tile = scratch + (<usize>(MC * KC) << 2);
  if (k == 0) {
    if (accumulate) return;
    for (let i = r0; i < r1; i++) {
      for (let j = jp0 * NR; j < min(n, jp1 * NR); j++) store<f32>(c + ((<usize>i * <usize>n + <usize>j) << 2), 0);
    }
    return;
  }
  for (let pc = 0; pc < k; pc += KC) {
    const kc = min(KC, k - pc);
    for (let ic = r0; ic < r1; ic += MC) {
      const ie = min(r1, ic + MC);
      packA(a, m, k, transA, ic, ie, pc, kc, scratch);
      for (let jp = jp0; jp < jp1; jp++) {
        const pb = packedB + ((<usize>jp * <usize>k * NR + <usize>pc * NR) << 2);
        const cols = min(NR, n - jp * NR);
        for (let i0 = ic; i0 < ie; i0 += MR) {
          const pa = scratch + (<usize>((i0 - ic) * kc) << 2);
          const cTile = c + ((<usize>i0 * <usize>n + <usize>(jp * NR)) << 2);
          micro(pa, pb, kc, cTile, n, min(MR, ie - i0), cols, pc > 0 || accumulate != 0, tile);
        }
      }
    }
  }
}

/**
 * Thread t of T's share of a GEMM: a band of rows when there are enough of them, otherwise a
 * band of column panels (the filter gradient of a first conv layer has m = 9 rows).
 */
export function gemmThread(
  a: usize,
  packedB: usize,
  c: usize,
  m: i32,
  k: i32,
  n: i32,
  transA: i32,
  accumulate: i32,
  scratch: usize,
  scratchStride: i32,
  t: i32,
  threads: i32,
): void {
  const own = scratch + <usize>t * <usize>scratchStride;
  const panels = (n + NR - 1) / NR;
  if (splitsRows(m, n, threads)) {
    const band = rowBand(m, threads);
    const r0 = t * band;
    const r1 = min(m, r0 + band);
    if (r0 < r1) gemmBlock(a, packedB, c, m, k, n, transA, accumulate, r0, r1, 0, panels, own);
  } else {
    const band = (panels + threads - 1) / threads;
    const jp0 = t * band;
    const jp1 = min(panels, jp0 + band);
    if (jp0 < jp1) gemmBlock(a, packedB, c, m, k, n, transA, accumulate, 0, m, jp0, jp1, own);
  }
}

/**
 * Rows when there are enough of them and no more columns than rows; column panels otherwise, so
 * that a wide product (the dense layer's input gradient, n = 5408) gives each thread half of B
 * instead of all of it.
 */
function splitsRows(m: i32, n: i32, threads: i32): bool {
  if ((n + NR - 1) / NR < threads) return true;
  return m >= threads * 4 * MR && m >= n;
}

function rowBand(m: i32, threads: i32): i32 {
  return (((m + threads - 1) / threads + MR - 1) / MR) * MR;
}

// @ts-ignore: decorator (AssemblyScript)
@inline
function update(dst: usize, acc: v128, accumulate: bool): void {
  v128.store(dst, accumulate ? f32x4.add(v128.load(dst), acc) : acc);
}

/** The MR × NR register block: 16 accumulators of 4 lanes, one splat of A times four vectors of B per step. */
function micro(
  pa: usize,
  pb: usize,
  kc: i32,
  c: usize,
  ldc: i32,
  rows: i32,
  cols: i32,
  accumulate: bool,
  tile: usize,
): void {
  let c00 = f32x4.splat(0);
  let c01 = f32x4.splat(0);
  let c02 = f32x4.splat(0);
  let c03 = f32x4.splat(0);
  let c10 = f32x4.splat(0);
  let c11 = f32x4.splat(0);
  let c12 = f32x4.splat(0);
  let c13 = f32x4.splat(0);
  let c20 = f32x4.splat(0);
  let c21 = f32x4.splat(0);
  let c22 = f32x4.splat(0);
  let c23 = f32x4.splat(0);
  let c30 = f32x4.splat(0);
  let c31 = f32x4.splat(0);
  let c32 = f32x4.splat(0);
  let c33 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    const b2 = v128.load(pb, 32);
    const b3 = v128.load(pb, 48);
    let a = v128.load32_splat(pa);
    c00 = f32x4.add(c00, f32x4.mul(a, b0));
    c01 = f32x4.add(c01, f32x4.mul(a, b1));
    c02 = f32x4.add(c02, f32x4.mul(a, b2));
    c03 = f32x4.add(c03, f32x4.mul(a, b3));
    a = v128.load32_splat(pa, 4);
    c10 = f32x4.add(c10, f32x4.mul(a, b0));
    c11 = f32x4.add(c11, f32x4.mul(a, b1));
    c12 = f32x4.add(c12, f32x4.mul(a, b2));
    c13 = f32x4.add(c13, f32x4.mul(a, b3));
    a = v128.load32_splat(pa, 8);
    c20 = f32x4.add(c20, f32x4.mul(a, b0));
    c21 = f32x4.add(c21, f32x4.mul(a, b1));
    c22 = f32x4.add(c22, f32x4.mul(a, b2));
    c23 = f32x4.add(c23, f32x4.mul(a, b3));
    a = v128.load32_splat(pa, 12);
    c30 = f32x4.add(c30, f32x4.mul(a, b0));
    c31 = f32x4.add(c31, f32x4.mul(a, b1));
    c32 = f32x4.add(c32, f32x4.mul(a, b2));
    c33 = f32x4.add(c33, f32x4.mul(a, b3));
    pa += MR << 2;
    pb += NR << 2;
  }
  const full = rows == MR && cols == NR;
  // A full tile goes straight to C; an edge tile goes through `tile` and only its valid part is copied.
  const out = full ? c : tile;
  const ld: usize = full ? <usize>ldc << 2 : NR << 2;
  const acc = full && accumulate;
  update(out, c00, acc);
  update(out + 16, c01, acc);
  update(out + 32, c02, acc);
  update(out + 48, c03, acc);
  update(out + ld, c10, acc);
  update(out + ld + 16, c11, acc);
  update(out + ld + 32, c12, acc);
  update(out + ld + 48, c13, acc);
  update(out + 2 * ld, c20, acc);
  update(out + 2 * ld + 16, c21, acc);
  update(out + 2 * ld + 32, c22, acc);
  update(out + 2 * ld + 48, c23, acc);
  update(out + 3 * ld, c30, acc);
  update(out + 3 * ld + 16, c31, acc);
  update(out + 3 * ld + 32, c32, acc);
  update(out + 3 * ld + 48, c33, acc);
  if (full) return;
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < cols; j++) {
      const dst = c + ((<usize>r * <usize>ldc + <usize>j) << 2);
      const v = load<f32>(tile + ((<usize>r * NR + <usize>j) << 2));
      store<f32>(dst, accumulate ? load<f32>(dst) + v : v);
    }
  }
}
