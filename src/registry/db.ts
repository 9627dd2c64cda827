import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { RegistryError, registryMessages } from './errors.js';
import { migrations } from './migrations.js';

export type Db = Database.Database;

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
    db.pragma('busy_timeout = 10000');
    db.pragma('journal_mode = WAL');
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
