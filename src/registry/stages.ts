import type { Db } from './db.js';
import { ProductionChangedError, RegistryError, registryMessages } from './errors.js';
import { findVersion, type ModelVersion, recordChange, versions } from './models.js';
import type { Stage } from './reference.js';
import { now } from './values.js';

/** One move of a version between stages; `from` is null when the version was registered. */
export interface StageChange {
  name: string;
  version: number;
  from: Stage | null;
  to: Stage;
  at: string;
  reason: string | null;
}

export interface PromoteOptions {
  /**
   * The production version the caller decided against (null: none). If production is another
   * version by the time of promoting, nothing changes and `ProductionChangedError` is thrown.
   */
  expectedProduction?: number | null;
}

/** Makes `version` production; the previous production version becomes archived. */
export function promote(
  db: Db,
  home: string,
  name: string,
  version: number,
  reason?: string,
  options: PromoteOptions = {},
): ModelVersion {
  const { expectedProduction } = options;
  if (
    expectedProduction !== undefined &&
    expectedProduction !== null &&
    !(Number.isSafeInteger(expectedProduction) && expectedProduction >= 1)
  ) {
    throw new RegistryError(registryMessages.badExpectedProduction(expectedProduction));
  }
  return db
    .transaction(() => {
      const all = versions(db, home, name);
      const target = findVersion(all, name, version);
      const current = all.find((v) => v.stage === 'production');
      // Checked under the write lock, so no other process can promote between this check and the move.
      if (expectedProduction !== undefined && (current?.version ?? null) !== expectedProduction) {
        throw new ProductionChangedError(name, version, expectedProduction, current?.version ?? null);
      }
      if (target.stage === 'production') return target;
      const at = now();
      if (current) move(db, current, 'archived', at, reason ?? null);
      return move(db, target, 'production', at, reason ?? null);
    })
    .immediate();
}

/**
 * Puts back the version that was production just before the current one and archives the
 * current one. A second rollback therefore undoes the first, like `cd -`.
 */
export function rollback(db: Db, home: string, name: string, reason?: string): ModelVersion {
  return db
    .transaction(() => {
      const all = versions(db, home, name);
      const current = all.find((v) => v.stage === 'production');
      if (!current) throw new RegistryError(registryMessages.noProduction(name));
      const previous = db
        .prepare(
          `SELECT version FROM stage_changes
         WHERE name = @name AND to_stage = 'production' AND version != @version
           AND id < (SELECT max(id) FROM stage_changes
                     WHERE name = @name AND version = @version AND to_stage = 'production')
         ORDER BY id DESC LIMIT 1`,
        )
        .pluck()
        .get({ name, version: current.version }) as number | undefined;
      if (previous === undefined)
        throw new RegistryError(registryMessages.nothingToRollBack(name, current.version));
      const at = now();
      move(db, current, 'archived', at, reason ?? 'rollback');
      return move(db, findVersion(all, name, previous), 'production', at, reason ?? 'rollback');
    })
    .immediate();
}

export function archive(db: Db, home: string, name: string, version: number, reason?: string): ModelVersion {
  return db
    .transaction(() => {
      const target = findVersion(versions(db, home, name), name, version);
      return target.stage === 'archived' ? target : move(db, target, 'archived', now(), reason ?? null);
    })
    .immediate();
}

/** A model's stage changes, oldest first. */
export function stageHistory(db: Db, home: string, name: string): StageChange[] {
  versions(db, home, name); // throws, naming the models that exist, when the name is unknown
  const rows = db
    .prepare('SELECT version, from_stage, to_stage, at, reason FROM stage_changes WHERE name = ? ORDER BY id')
    .all(name) as {
    version: number;
    from_stage: Stage | null;
    to_stage: Stage;
    at: string;
    reason: string | null;
  }[];
  return rows.map((row) => ({
    name,
    version: row.version,
    from: row.from_stage,
    to: row.to_stage,
    at: row.at,
    reason: row.reason,
  }));
}

function move(db: Db, from: ModelVersion, to: Stage, at: string, reason: string | null): ModelVersion {
  db.prepare('UPDATE model_versions SET stage = ? WHERE name = ? AND version = ?').run(
    to,
    from.name,
    from.version,
  );
  recordChange(db, { name: from.name, version: from.version, from: from.stage, to, at, reason });
  return { ...from, stage: to };
}
