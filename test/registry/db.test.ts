import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openRegistry, RegistryError } from '../../src/registry/index.js';
import { migrations } from '../../src/registry/migrations.js';
import { tempDir } from './fixtures/setup.js';

const pragma = (file: string, name: string) => {
  const db = new Database(file, { readonly: true });
  try {
    return db.pragma(name, { simple: true });
  } finally {
    db.close();
  }
};

describe('the registry database', () => {
  it('is created with its folder, in WAL mode, at the current schema version', () => {
    const home = path.join(tempDir(), 'nested', 'home');
    openRegistry(home).close();
    const file = path.join(home, 'deepline.db');
    expect(fs.existsSync(file)).toBe(true);
    expect(pragma(file, 'journal_mode')).toBe('wal');
    expect(pragma(file, 'user_version')).toBe(migrations.length);
    expect(migrations).toHaveLength(2);
  });

  it('upgrades a database of schema version 1, keeping its runs', () => {
    const home = tempDir();
    const db = new Database(path.join(home, 'deepline.db'));
    db.exec(migrations[0]);
    db.pragma('user_version = 1');
    db.prepare(
      `INSERT INTO runs (id, name, key, status, started_at, params, metrics, pid, host)
       VALUES ('0123456789ab', 'old', 'k', 'failed', '2024-01-01T00:00:00.000Z', '{}', '{}', 1, 'h')`,
    ).run();
    db.close();
    const registry = openRegistry(home);
    try {
      expect(pragma(path.join(home, 'deepline.db'), 'user_version')).toBe(2);
      expect(registry.getRun('0123456789ab')).toMatchObject({
        name: 'old',
        bootId: null,
        processStart: null,
        resumedBy: null,
      });
      expect(registry.claimFailedRun('k', 'me')?.resumedBy).toBe('me');
    } finally {
      registry.close();
    }
  });

  it('opens again without migrating twice and keeps its rows', () => {
    const home = tempDir();
    const first = openRegistry(home);
    const run = first.startRun({ name: 'p', key: 'k' });
    first.close();
    const second = openRegistry(home);
    expect(second.getRun(run.id).name).toBe('p');
    second.close();
  });

  it('refuses a database from a newer deepline', () => {
    const home = tempDir();
    openRegistry(home).close();
    const db = new Database(path.join(home, 'deepline.db'));
    db.pragma('user_version = 99');
    db.close();
    expect(() => openRegistry(home)).toThrow(RegistryError);
    expect(() => openRegistry(home)).toThrow(
      /has schema version 99 but this deepline knows only up to 2; upgrade/,
    );
  });

  it('names a file that is not SQLite', () => {
    const home = tempDir();
    const file = path.join(home, 'deepline.db');
    fs.writeFileSync(file, 'name,value\nthis is a csv file, not a database\n'.repeat(20));
    expect(() => openRegistry(home)).toThrow(RegistryError);
    expect(() => openRegistry(home)).toThrow(`${file} is not a SQLite database`);
  });

  it('names a home that cannot be created', () => {
    const blocker = path.join(tempDir(), 'a-file');
    fs.writeFileSync(blocker, '');
    expect(() => openRegistry(path.join(blocker, 'home'))).toThrow(RegistryError);
    expect(() => openRegistry(path.join(blocker, 'home'))).toThrow('cannot open the registry database');
  });
});
