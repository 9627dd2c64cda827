import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from './db.js';
import { RegistryError, registryMessages } from './errors.js';
import { checkModelName, isStage, type ModelRef, parseModelRef, type Stage } from './reference.js';
import { decodeMetrics, encodeMetrics, now } from './values.js';

export interface ModelVersion {
  name: string;
  version: number;
  stage: Stage;
  runId: string | null;
  /** The artifact folder, absolute. */
  path: string;
  metrics: Record<string, number>;
  createdAt: string;
  description: string | null;
}

export interface ModelInit {
  name: string;
  /** An artifact folder holding model.json. */
  source: string;
  runId?: string;
  metrics?: Record<string, number>;
  description?: string;
}

export interface ModelSummary {
  name: string;
  latest: number;
  production: number | null;
  versions: number;
}

interface VersionRow {
  name: string;
  version: number;
  stage: Stage;
  run_id: string | null;
  metrics: string;
  created_at: string;
  description: string | null;
}

// The folder is derived from the name and version, not stored, so a registry folder can be
// moved or mounted elsewhere and still resolve.
const versionFolder = (home: string, name: string, version: number): string =>
  path.join(home, 'models', name, String(version));

const toVersion = (home: string, row: VersionRow): ModelVersion => ({
  name: row.name,
  version: row.version,
  stage: row.stage,
  runId: row.run_id,
  path: versionFolder(home, row.name, row.version),
  metrics: decodeMetrics(row.metrics),
  createdAt: row.created_at,
  description: row.description,
});

/**
 * Copies the artifact outside any transaction (it may be large), then, under the write lock,
 * takes the next version number and renames the copy into place, so that two processes never
 * get the same version and the lock is held only for a rename.
 */
export function registerModel(db: Db, home: string, init: ModelInit): ModelVersion {
  const name = checkModelName(init.name);
  const source = checkArtifact(init.source);
  const metrics = encodeMetrics(`metric of model '${name}'`, init.metrics ?? {});
  if (init.runId !== undefined && !db.prepare('SELECT 1 FROM runs WHERE id = ?').get(init.runId)) {
    throw new RegistryError(registryMessages.noRun(init.runId));
  }
  const incoming = copyIn(home, source);
  try {
    return db.transaction(() => install(db, home, { ...init, name, metrics }, incoming)).immediate();
  } finally {
    fs.rmSync(incoming, { recursive: true, force: true });
  }
}

function checkArtifact(folder: string): string {
  const source = path.resolve(folder);
  if (!fs.statSync(source, { throwIfNoEntry: false })?.isDirectory()) {
    throw new RegistryError(registryMessages.notFolder(source));
  }
  if (!fs.statSync(path.join(source, 'model.json'), { throwIfNoEntry: false })?.isFile()) {
    throw new RegistryError(registryMessages.noModelJson(source));
  }
  return source;
}

function copyIn(home: string, source: string): string {
  // Beside the model folders, not inside one, so that a refused registration leaves no folder named after it.
  const incoming = path.join(home, 'models', `.incoming-${randomBytes(6).toString('hex')}`);
  try {
    fs.mkdirSync(path.dirname(incoming), { recursive: true });
    // Dereference links so that a registered version never depends on files outside it.
    fs.cpSync(source, incoming, { recursive: true, dereference: true });
    return incoming;
  } catch (error) {
    fs.rmSync(incoming, { recursive: true, force: true });
    throw new RegistryError(registryMessages.copyFailed(source, (error as Error).message), { cause: error });
  }
}

/** Runs under the write lock. */
function install(
  db: Db,
  home: string,
  init: Omit<ModelInit, 'source' | 'metrics'> & { metrics: string },
  incoming: string,
): ModelVersion {
  const { name } = init;
  const clash = db
    .prepare('SELECT name FROM model_versions WHERE name = ? COLLATE NOCASE AND name != ? LIMIT 1')
    .pluck()
    .get(name, name) as string | undefined;
  if (clash) throw new RegistryError(registryMessages.nameClash(name, clash));
  const latest = db.prepare('SELECT max(version) FROM model_versions WHERE name = ?').pluck().get(name);
  const version = ((latest as number | null) ?? 0) + 1;
  const at = now();
  db.prepare(
    `INSERT INTO model_versions (name, version, stage, run_id, metrics, created_at, description)
     VALUES (?, ?, 'candidate', ?, ?, ?, ?)`,
  ).run(name, version, init.runId ?? null, init.metrics, at, init.description ?? null);
  recordChange(db, { name, version, from: null, to: 'candidate', at, reason: null });
  const dest = versionFolder(home, name, version);
  // A folder with no row is left by a process that died between rename and commit.
  fs.rmSync(dest, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  fs.renameSync(incoming, dest);
  return getVersion(db, home, name, version);
}

export function listModels(db: Db): ModelSummary[] {
  return db
    .prepare(
      `SELECT name, max(version) AS latest, max(CASE WHEN stage = 'production' THEN version END) AS production,
         count(*) AS versions
       FROM model_versions GROUP BY name ORDER BY name`,
    )
    .all() as ModelSummary[];
}

/** Every version of a model, newest first. */
export function versions(db: Db, home: string, name: string): ModelVersion[] {
  const rows = db
    .prepare('SELECT * FROM model_versions WHERE name = ? ORDER BY version DESC')
    .all(checkModelName(name)) as VersionRow[];
  if (rows.length === 0) {
    const names = db
      .prepare('SELECT DISTINCT name FROM model_versions ORDER BY name')
      .pluck()
      .all() as string[];
    throw new RegistryError(registryMessages.noModel(name, names));
  }
  return rows.map((row) => toVersion(home, row));
}

/** 'churn' is the production version if there is one, else the latest; 'churn@stage' the newest in it. */
export function resolve(db: Db, home: string, ref: string | ModelRef): ModelVersion {
  const { name, version, stage } = typeof ref === 'string' ? parseModelRef(ref) : checkRef(ref);
  const all = versions(db, home, name);
  if (version !== undefined) {
    const found = findVersion(all, name, version);
    if (stage !== undefined && found.stage !== stage) {
      throw new RegistryError(registryMessages.wrongStage(name, version, stage, found.stage));
    }
    return found;
  }
  if (stage !== undefined) {
    const found = all.find((v) => v.stage === stage);
    if (!found) {
      const listing = all
        .slice()
        .reverse()
        .map((v) => `${v.version} (${v.stage})`);
      throw new RegistryError(registryMessages.noStage(name, stage, listing));
    }
    return found;
  }
  return all.find((v) => v.stage === 'production') ?? all[0];
}

/** `version` among a model's versions (newest first, as `versions` returns them). */
export function findVersion(all: readonly ModelVersion[], name: string, version: number): ModelVersion {
  const found = all.find((v) => v.version === version);
  if (!found) {
    const numbers = all.map((v) => v.version).reverse();
    throw new RegistryError(registryMessages.noVersion(name, version, numbers));
  }
  return found;
}

function getVersion(db: Db, home: string, name: string, version: number): ModelVersion {
  return resolve(db, home, { name, version });
}

/** Appends to a model's stage history; the caller has already set the version's stage. */
export function recordChange(
  db: Db,
  change: { name: string; version: number; from: Stage | null; to: Stage; at: string; reason: string | null },
): void {
  db.prepare(
    'INSERT INTO stage_changes (name, version, from_stage, to_stage, at, reason) VALUES (?, ?, ?, ?, ?, ?)',
  ).run(change.name, change.version, change.from, change.to, change.at, change.reason);
}

function checkRef(ref: ModelRef): ModelRef {
  const bad = () => new RegistryError(registryMessages.badRef(JSON.stringify(ref)));
  if (ref.version !== undefined && (!Number.isSafeInteger(ref.version) || ref.version < 1)) throw bad();
  if (ref.stage !== undefined && !isStage(ref.stage)) throw bad();
  return { ...ref, name: checkModelName(ref.name) };
}
