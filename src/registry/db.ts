import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { RegistryError, registryMessages } from './errors.js';
import { migrations } from './migrations.js';

export type Db = Database.Database;

const busyMs = 10_000;

/** The database file inside a registry folder. */
export const databaseFile = (home: string): string => path.join(home, 'deepline.db');

/**
 * Opens (creating if missing) the registry database in `home`, configured for several processes
 * at once, and brings its schema up to date.
 */
export function openDatabase(home: string): Db {
  const file = databaseFile(home);
  let db: Db | undefined;
  try {
    fs.mkdirSync(home, { recursive: true });
    db = new Database(file);
    // The busy timeout comes first: switching to WAL and migrating both need the write lock,
    // which another process opening the same file may hold for a moment.
    db.pragma(`busy_timeout = ${busyMs}`);
    switchToWal(db);
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    migrate(db, file);
    return db;
  } catch (error) {
    db?.close();
    if (error instanceof RegistryError) throw error;
    const code = (error as { code?: unknown }).code;
    if (code === 'SQLITE_NOTADB') throw new RegistryError(registryMessages.notSqlite(file), { cause: error });
    throw new RegistryError(registryMessages.cannotOpen(file, (error as Error).message), { cause: error });
  }
}

/**
 * SQLite does not wait for the exclusive lock that switching a new file to WAL takes when
 * another process is switching the same file at that moment (waiting could deadlock): it fails
 * at once with SQLITE_BUSY, so wait here instead.
 */
function switchToWal(db: Db): void {
  const deadline = Date.now() + busyMs;
  for (;;) {
    try {
      db.pragma('journal_mode = WAL');
      return;
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'SQLITE_BUSY' || Date.now() > deadline) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
    }
  }
}

function migrate(db: Db, file: string): void {
  const version = (): number => db.pragma('user_version', { simple: true }) as number;
  if (version() > migrations.length) {
    throw new RegistryError(registryMessages.newerSchema(file, version(), migrations.length));
  }
  if (version() === migrations.length) return;
  db.transaction(() => {
    // Read again under the write lock: another process may have migrated while this one waited.
    const from = version();
    if (from >= migrations.length) return;
    for (let step = from; step < migrations.length; step++) db.exec(migrations[step]);
    db.pragma(`user_version = ${migrations.length}`);
  }).immediate();
}
