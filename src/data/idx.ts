import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gunzip, gunzipSync } from 'node:zlib';
import { ValueError } from '../tensor/errors.js';

/**
 * IDX, the format of the MNIST files: two zero bytes, a type code, the number of dimensions,
 * each dimension as a big-endian uint32, then the values, big-endian, row-major.
 */
export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

export interface IdxArray {
  shape: number[];
  data: IdxData;
}

interface IdxType {
  name: string;
  bytes: number;
  make: (length: number) => IdxData;
  read: (view: DataView, offset: number) => number;
}

// DataView's getters default to big-endian, which is what IDX stores.
const types: Record<number, IdxType> = {
  8: { name: 'ubyte', bytes: 1, make: (n) => new Uint8Array(n), read: (v, o) => v.getUint8(o) },
  9: { name: 'byte', bytes: 1, make: (n) => new Int8Array(n), read: (v, o) => v.getInt8(o) },
  11: { name: 'short', bytes: 2, make: (n) => new Int16Array(n), read: (v, o) => v.getInt16(o) },
  12: { name: 'int', bytes: 4, make: (n) => new Int32Array(n), read: (v, o) => v.getInt32(o) },
  13: { name: 'float', bytes: 4, make: (n) => new Float32Array(n), read: (v, o) => v.getFloat32(o) },
  14: { name: 'double', bytes: 8, make: (n) => new Float64Array(n), read: (v, o) => v.getFloat64(o) },
};

const hex = (byte: number) => `0x${byte.toString(16).padStart(2, '0').toUpperCase()}`;
const typeList = Object.entries(types)
  .map(([code, t]) => `${hex(Number(code))} (${t.name})`)
  .join(', ');

export const idxMessages = {
  tooShort: (source: string, got: number) =>
    `${source}: not an IDX file: expected at least 4 bytes for the magic number, got ${got}`,
  badMagic: (source: string, bytes: Uint8Array) =>
    `${source}: not an IDX file: the magic number starts with ${hex(bytes[0])} ${hex(bytes[1])}, ` +
    'expected 0x00 0x00',
  unknownType: (source: string, code: number) =>
    `${source}: unknown IDX type code ${hex(code)}; expected one of ${typeList}`,
  truncatedHeader: (source: string, rank: number, expected: number, got: number) =>
    `${source}: truncated header: ${rank} dimensions need ${expected} bytes, got ${got}`,
  truncatedData: (source: string, shape: readonly number[], type: string, expected: number, got: number) =>
    `${source}: truncated data: shape [${shape.join(', ')}] of ${type} needs ${expected} bytes ` +
    `after the header, got ${got}`,
  trailingBytes: (source: string, shape: readonly number[], type: string, expected: number, got: number) =>
    `${source}: ${got - expected} trailing bytes: shape [${shape.join(', ')}] of ${type} needs ` +
    `${expected} bytes after the header, got ${got}`,
  badGzip: (source: string, reason: string) => `${source}: starts as gzip but does not decompress: ${reason}`,
};

/** Reads an IDX file, raw or gzipped (`train-images-idx3-ubyte` or `….gz`). */
export async function readIdx(path: string): Promise<IdxArray> {
  const bytes = await readFile(path);
  return decode(isGzip(bytes) ? await gunzipOrExplain(bytes, path) : bytes, path);
}

/** Decodes the bytes of an IDX file, gzipped or not; `source` names it in errors. */
export function parseIdx(bytes: Uint8Array, source = '<buffer>'): IdxArray {
  if (!isGzip(bytes)) return decode(bytes, source);
  try {
    return decode(gunzipSync(bytes), source);
  } catch (error) {
    if (error instanceof ValueError) throw error;
    throw new ValueError(idxMessages.badGzip(source, (error as Error).message));
  }
}

// No IDX file can start this way: its first two bytes are zero.
function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

async function gunzipOrExplain(bytes: Uint8Array, source: string): Promise<Uint8Array> {
  try {
    return await promisify(gunzip)(bytes);
  } catch (error) {
    throw new ValueError(idxMessages.badGzip(source, (error as Error).message));
  }
}

function decode(bytes: Uint8Array, source: string): IdxArray {
  if (bytes.length < 4) throw new ValueError(idxMessages.tooShort(source, bytes.length));
  if (bytes[0] !== 0 || bytes[1] !== 0) throw new ValueError(idxMessages.badMagic(source, bytes));
  const type = types[bytes[2]];
  if (type === undefined) throw new ValueError(idxMessages.unknownType(source, bytes[2]));
  const rank = bytes[3];
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) {
    throw new ValueError(idxMessages.truncatedHeader(source, rank, headerBytes, bytes.length));
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i));
  const length = shape.reduce((a, b) => a * b, 1);
  const expected = length * type.bytes;
  const got = bytes.length - headerBytes;
  if (got < expected)
    throw new ValueError(idxMessages.truncatedData(source, shape, type.name, expected, got));
  if (got > expected)
    throw new ValueError(idxMessages.trailingBytes(source, shape, type.name, expected, got));

  const data = type.make(length);
  if (type.bytes === 1) {
    // Bytes need no reordering; `set` converts ubyte to byte by wrapping, as a cast in C would.
    data.set(bytes.subarray(headerBytes));
  } else {
    for (let i = 0, offset = headerBytes; i < length; i++, offset += type.bytes)
      data[i] = type.read(view, offset);
  }
  return { shape, data };
}
