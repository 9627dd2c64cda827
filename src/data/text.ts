import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import { createInterface } from 'node:readline';
import { ChunkBuilder, checkChunkRows } from './read-chunks.js';
import { DataError, readMessages } from './read-errors.js';
import { decodeWhole, openText, strictDecoder } from './read-source.js';
import type { Quarantine } from './report.js';
import { Table } from './table.js';

export { DataError } from './read-errors.js';

export interface TextFolderOptions {
  /** Only files with these extensions ('.txt' or 'txt'; case-insensitive). Default: every file. */
  extensions?: readonly string[];
  /** Any label TextDecoder knows. Default 'utf-8'. */
  encoding?: string;
  /** Where files that do not decode go; without one, such a file is an error. */
  quarantine?: Quarantine;
  /** Read a folder with no matching files as a table with no rows instead of failing. */
  allowEmpty?: boolean;
}

/**
 * Reads a labelled corpus laid out as `dir/<label>/<file>` (the layout of IMDB reviews,
 * 20 Newsgroups and most image-folder datasets): one row per file with its whole text, the
 * label from the sub-folder directly under `dir` (files deeper down keep that label; files
 * directly in `dir` get null) and the file's path relative to `dir`, '/'-separated. Files and
 * folders whose names start with '.' are skipped; rows are in path order. A gzipped file is
 * decompressed. Each row's origin is the file, line 1.
 */
export async function readTextFolder(dir: string, options: TextFolderOptions = {}): Promise<Table> {
  const info = await stat(dir).catch(() => undefined);
  if (info === undefined) throw new DataError(readMessages.missing(dir));
  if (!info.isDirectory()) throw new DataError(readMessages.unreadable(dir, 'it is not a folder'));
  const extensions = options.extensions?.map((e) => (e.startsWith('.') ? e : `.${e}`).toLowerCase());
  const files = (await walk(dir)).filter(
    (file) => extensions === undefined || extensions.includes(extname(file).toLowerCase()),
  );
  if (files.length === 0 && !options.allowEmpty)
    throw new DataError(readMessages.noTextFiles(dir, extensions));

  const builder = new ChunkBuilder(['text', 'label', 'file']);
  const encoding = options.encoding ?? 'utf-8';
  strictDecoder(encoding); // an unknown encoding is the caller's error, not every file's
  for (const file of files) {
    const path = join(dir, file);
    const parts = file.split(sep);
    const origin = { source: path, line: 1 };
    let text: string;
    try {
      const bytes = await readFile(path).catch((error: Error) => {
        throw new DataError(readMessages.unreadable(path, error.message), { cause: error });
      });
      text = decodeWhole(path, bytes, encoding);
    } catch (error) {
      if (options.quarantine === undefined || !(error instanceof DataError)) throw error;
      const reason = error.message.slice(path.length).replace(/^:\s*/, '');
      options.quarantine.add({ ...origin, step: 'read', reason, raw: null });
      continue;
    }
    builder.push([text, parts.length > 1 ? parts[0] : null, parts.join('/')], origin);
  }
  return builder.take();
}

/** Every file under `dir`, relative to it, in sorted order, skipping names that start with '.'. */
async function walk(dir: string): Promise<string[]> {
  const found: string[] = [];
  const visit = async (folder: string): Promise<void> => {
    const entries = await readdir(folder, { withFileTypes: true });
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (entry.name.startsWith('.')) continue;
      const path = join(folder, entry.name);
      if (entry.isDirectory()) await visit(path);
      else if (entry.isFile()) found.push(relative(dir, path));
    }
  };
  await visit(dir);
  return found;
}

export interface TextFileOptions {
  /** Any label TextDecoder knows. Default 'utf-8'. */
  encoding?: string;
  /** Rows per chunk for readTextFileChunks. Default 50,000. */
  chunkRows?: number;
  /** Read a file with no text as a table with no rows instead of failing. */
  allowEmpty?: boolean;
}

/** Reads a text file (gzipped or not) with one document per line into a Table {text}. */
export async function readTextFile(path: string, options: TextFileOptions = {}): Promise<Table> {
  const chunks: Table[] = [];
  for await (const chunk of readTextFileChunks(path, options)) chunks.push(chunk);
  return Table.concat(chunks);
}

/** Streams a text file, one document per line; blank lines are skipped, origins are line numbers. */
export async function* readTextFileChunks(
  path: string,
  options: TextFileOptions = {},
): AsyncGenerator<Table> {
  const chunkRows = checkChunkRows('readTextFile', options.chunkRows);
  const text = await openText(path, options.encoding);
  const lines = createInterface({ input: text, crlfDelay: Number.POSITIVE_INFINITY });
  const builder = new ChunkBuilder(['text']);
  let lineNumber = 0;
  let documents = 0;
  try {
    for await (const line of lines) {
      lineNumber++;
      if (line.trim() === '') continue;
      documents++;
      builder.push([line], { source: path, line: lineNumber });
      if (builder.size >= chunkRows) yield builder.take();
    }
  } finally {
    lines.close();
    text.destroy();
  }
  if (builder.size > 0) yield builder.take();
  else if (documents === 0) {
    if (!options.allowEmpty) throw new DataError(readMessages.empty(path));
    yield builder.take();
  }
}
