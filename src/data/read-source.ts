import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { Transform, type TransformCallback } from 'node:stream';
import { constants, createGunzip, gunzipSync } from 'node:zlib';
import { DataError, readMessages } from './read-errors.js';

/**
 * Where every text reader gets its text: a file, gunzipped when it starts with the gzip magic
 * bytes (whatever its name), decoded strictly so that a bad byte is an error naming its line
 * rather than a silent U+FFFD in the data.
 */

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** A TextDecoder for `encoding`, or a DataError naming the encodings that usually fit. */
export function strictDecoder(encoding: string): TextDecoder {
  try {
    return new TextDecoder(encoding, { fatal: true });
  } catch {
    throw new DataError(readMessages.unknownEncoding(encoding));
  }
}

/** Fails with a DataError unless `path` is a regular file; returns its size in bytes. */
export async function fileSize(path: string): Promise<number> {
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    throw error.code === 'ENOENT'
      ? new DataError(readMessages.missing(path), { cause: error })
      : new DataError(readMessages.unreadable(path, error.message), { cause: error });
  });
  if (!info.isFile()) throw new DataError(readMessages.unreadable(path, 'it is not a regular file'));
  return info.size;
}

/**
 * The start of a file's text, for sniffing a delimiter: the first `bytes` bytes, gunzipped as
 * far as they go. Decoding is lenient here; the full read reports bad bytes with their line.
 */
export async function peekText(
  path: string,
  bytes = 64 * 1024,
): Promise<{ text: string; complete: boolean }> {
  await fileSize(path);
  const handle = await open(path, 'r');
  try {
    const buffer = new Uint8Array(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    let head = buffer.subarray(0, bytesRead);
    const complete = bytesRead < bytes;
    if (isGzip(head)) {
      try {
        // A sync flush returns what the bytes so far decompress to, instead of failing on a cut stream.
        head = gunzipSync(head, { finishFlush: constants.Z_SYNC_FLUSH });
      } catch {
        return { text: '', complete };
      }
    }
    return { text: new TextDecoder().decode(head, { stream: true }), complete };
  } finally {
    await handle.close();
  }
}

/** A whole file's bytes as text, gunzipped when they start as gzip, with openText's errors. */
export function decodeWhole(path: string, bytes: Uint8Array, encoding = 'utf-8'): string {
  const decoder = strictDecoder(encoding);
  if (isGzip(bytes)) {
    try {
      bytes = gunzipSync(bytes);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'Z_BUF_ERROR')
        throw new DataError(readMessages.gzipCorrupt(path, (error as Error).message));
      const bytesOut = gunzipSync(bytes, { finishFlush: constants.Z_SYNC_FLUSH }).length;
      throw new DataError(readMessages.gzipTruncated(path, bytesOut), { cause: error });
    }
  }
  try {
    return decoder.decode(bytes);
  } catch {
    const bad = Math.min(firstBadByte(bytes, decoder.encoding), bytes.length - 1);
    let lines = 0;
    for (let i = 0; i < bad; i++) if (bytes[i] === 0x0a) lines++;
    throw new DataError(readMessages.badEncoding(path, decoder.encoding.toUpperCase(), lines + 1, bad));
  }
}

/**
 * A stream of the file's text as strings (object mode), in file order. Errors from the file,
 * from gzip and from decoding arrive on this stream as DataErrors naming the path.
 */
export async function openText(path: string, encoding = 'utf-8'): Promise<Transform> {
  const decoder = new StrictDecode(path, strictDecoder(encoding));
  const size = await fileSize(path);
  const head = new Uint8Array(2);
  if (size >= 2) {
    const handle = await open(path, 'r');
    await handle.read(head, 0, 2, 0).finally(() => handle.close());
  }
  const file = createReadStream(path);
  file.on('error', (error) => decoder.destroy(new DataError(readMessages.unreadable(path, error.message))));
  decoder.on('close', () => file.destroy());
  if (!isGzip(head)) return file.pipe(decoder);

  const gunzip = createGunzip();
  let bytesOut = 0;
  gunzip.on('data', (chunk: Buffer) => {
    bytesOut += chunk.length;
  });
  gunzip.on('error', (error: NodeJS.ErrnoException) => {
    const truncated = error.code === 'Z_BUF_ERROR' || /unexpected end/i.test(error.message);
    const message = truncated
      ? readMessages.gzipTruncated(path, bytesOut)
      : readMessages.gzipCorrupt(path, error.message);
    decoder.destroy(new DataError(message, { cause: error }));
  });
  decoder.on('close', () => gunzip.destroy());
  return file.pipe(gunzip).pipe(decoder);
}

/** Bytes in, strings out; counts line breaks so that a decoding error can name its line. */
class StrictDecode extends Transform {
  readonly #path: string;
  readonly #decoder: TextDecoder;
  #lines = 0;
  #bytes = 0;

  constructor(path: string, decoder: TextDecoder) {
    super({ readableObjectMode: true });
    this.#path = path;
    this.#decoder = decoder;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    let text: string;
    try {
      text = this.#decoder.decode(chunk, { stream: true });
    } catch {
      done(this.#error(chunk));
      return;
    }
    this.#bytes += chunk.length;
    this.#count(text);
    if (text.length > 0) this.push(text);
    done();
  }

  override _flush(done: TransformCallback): void {
    try {
      const text = this.#decoder.decode();
      if (text.length > 0) this.push(text);
      done();
    } catch {
      done(this.#error(new Uint8Array(0)));
    }
  }

  #count(text: string): void {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.#lines++;
  }

  /**
   * Leading UTF-8 continuation bytes may finish a character begun in the previous chunk, so the
   * search starts after them; when nothing after them is bad, the character across the boundary
   * was. No line break can hide in those bytes, so the line stays exact either way.
   */
  #error(chunk: Uint8Array): DataError {
    const label = this.#decoder.encoding;
    let from = 0;
    if (label === 'utf-8') while (from < Math.min(3, chunk.length) && (chunk[from] & 0xc0) === 0x80) from++;
    let bad = firstBadByte(chunk, label, from);
    if (bad === chunk.length) bad = from;
    let lines = this.#lines;
    for (let i = 0; i < bad; i++) if (chunk[i] === 0x0a) lines++;
    return new DataError(
      readMessages.badEncoding(this.#path, label.toUpperCase(), lines + 1, this.#bytes + bad),
    );
  }
}

/**
 * The index of the first byte of `bytes` (from `from` on) that does not decode, found by
 * bisection: a prefix either decodes or not, and a character left unfinished at its end is not
 * yet an error. `bytes.length` when every byte decodes but the last character is unfinished.
 */
export function firstBadByte(bytes: Uint8Array, encoding: string, from = 0): number {
  const valid = (end: number): boolean => {
    try {
      new TextDecoder(encoding, { fatal: true }).decode(bytes.subarray(from, end), { stream: true });
      return true;
    } catch {
      return false;
    }
  };
  if (valid(bytes.length)) return bytes.length;
  let lo = from;
  let hi = bytes.length;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (valid(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}
