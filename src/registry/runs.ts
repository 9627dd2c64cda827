import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Db } from './db.js';
import { RegistryError, registryMessages } from './errors.js';
import { processEnded, type RecordedProcess, thisProcess } from './process.js';
import { checkSeconds, checkText, decodeMetrics, encodeJson, encodeMetrics, now } from './values.js';

export type RunStatus = 'running' | 'finished' | 'failed';

/** One execution of a pipeline, as the tracking store keeps it. */
export interface RunRecord {
  id: string;
  name: string;
  /** Same pipeline file content + same data fingerprint → same key; computed by the caller. */
  key: string;
  status: RunStatus;
  startedAt: string;
  endedAt: string | null;
  params: Record<string, unknown>;
  pipelinePath: string | null;
  pipelineText: string | null;
  dataFingerprint: string | null;
  artifactPath: string | null;
  /** Final metrics. */
  metrics: Record<string, number>;
  /** Stage name → seconds. */
  durations: Record<string, number>;
  error: string | null;
  pid: number;
  host: string;
  /** Linux: the boot id of the machine the run's process ran on; null elsewhere and for older runs. */
  bootId: string | null;
  /** Linux: when the run's process started, in clock ticks since boot; null elsewhere and for older runs. */
  processStart: number | null;
  /** Who claimed this failed run to resume it (`claimFailedRun`); null while nobody has. */
  resumedBy: string | null;
}

export interface EpochRecord {
  runId: string;
  epoch: number;
  metrics: Record<string, number>;
  seconds: number;
}

export interface RunInit {
  name: string;
  key: string;
  params?: Record<string, unknown>;
  pipelinePath?: string;
  pipelineText?: string;
  dataFingerprint?: string;
}

export interface RunResult {
  status: 'finished' | 'failed';
  metrics?: Record<string, number>;
  error?: string;
}

export interface RunFilter {
  name?: string;
  status?: RunStatus;
  limit?: number;
}

interface RunRow {
  id: string;
  name: string;
  key: string;
  status: RunStatus;
  started_at: string;
  ended_at: string | null;
  params: string;
  pipeline_path: string | null;
  pipeline_text: string | null;
  data_fingerprint: string | null;
  artifact_path: string | null;
  metrics: string;
  durations: string;
  error: string | null;
  pid: number;
  host: string;
  boot_id: string | null;
  process_start: number | null;
  resumed_by: string | null;
}

const selectRuns = `SELECT runs.*,
  (SELECT json_group_object(stage, seconds) FROM durations WHERE run_id = runs.id) AS durations
  FROM runs`;
// Runs started in the same millisecond still list in the order they were inserted.
const newestFirst = 'ORDER BY started_at DESC, runs.rowid DESC';
const minPrefix = 4;

const toRecord = (row: RunRow): RunRecord => ({
  id: row.id,
  name: row.name,
  key: row.key,
  status: row.status,
  startedAt: row.started_at,
  endedAt: row.ended_at,
  params: JSON.parse(row.params),
  pipelinePath: row.pipeline_path,
  pipelineText: row.pipeline_text,
  dataFingerprint: row.data_fingerprint,
  artifactPath: row.artifact_path,
  metrics: decodeMetrics(row.metrics),
  durations: JSON.parse(row.durations),
  error: row.error,
  pid: row.pid,
  host: row.host,
  bootId: row.boot_id,
  processStart: row.process_start,
  resumedBy: row.resumed_by,
});

export function startRun(db: Db, init: RunInit): RunRecord {
  const id = randomBytes(6).toString('hex');
  db.prepare(
    `INSERT INTO runs (id, name, key, status, started_at, params, pipeline_path, pipeline_text,
       data_fingerprint, metrics, pid, host, boot_id, process_start)
     VALUES (@id, @name, @key, 'running', @startedAt, @params, @pipelinePath, @pipelineText,
       @dataFingerprint, '{}', @pid, @host, @bootId, @processStart)`,
  ).run({
    id,
    name: checkText('run name', init.name),
    key: checkText('run key', init.key),
    startedAt: now(),
    params: encodeJson(`params of run '${init.name}'`, init.params ?? {}),
    pipelinePath: init.pipelinePath === undefined ? null : path.resolve(init.pipelinePath),
    pipelineText: init.pipelineText ?? null,
    dataFingerprint: init.dataFingerprint ?? null,
    ...thisProcess,
  });
  return getRun(db, id);
}

export function logEpoch(
  db: Db,
  runId: string,
  epoch: number,
  metrics: Record<string, number>,
  seconds: number,
): void {
  if (!Number.isInteger(epoch) || epoch < 0) throw new RegistryError(registryMessages.notEpoch(epoch));
  const statement = db.prepare(
    `INSERT INTO epochs (run_id, epoch, metrics, seconds) VALUES (?, ?, ?, ?)
     ON CONFLICT (run_id, epoch) DO UPDATE SET metrics = excluded.metrics, seconds = excluded.seconds`,
  );
  const values = [
    encodeMetrics(`epoch ${epoch} metric`, metrics),
    checkSeconds(`epoch ${epoch} seconds`, seconds),
  ];
  forRun(runId, () => statement.run(runId, epoch, ...values));
}

export function logDuration(db: Db, runId: string, stage: string, seconds: number): void {
  const statement = db.prepare(
    `INSERT INTO durations (run_id, stage, seconds) VALUES (?, ?, ?)
     ON CONFLICT (run_id, stage) DO UPDATE SET seconds = excluded.seconds`,
  );
  const values = [checkText('stage', stage), checkSeconds(`seconds of stage '${stage}'`, seconds)];
  forRun(runId, () => statement.run(runId, ...values));
}

export function setArtifact(db: Db, runId: string, artifactPath: string): void {
  const resolved = path.resolve(checkText('artifact path', artifactPath));
  const { changes } = db.prepare('UPDATE runs SET artifact_path = ? WHERE id = ?').run(resolved, runId);
  if (changes === 0) throw new RegistryError(registryMessages.noRun(runId));
}

export function finishRun(db: Db, runId: string, result: RunResult): RunRecord {
  const metrics = encodeMetrics('final metric', result.metrics ?? {});
  db.transaction(() => {
    const row = db.prepare('SELECT status FROM runs WHERE id = ?').get(runId) as
      | { status: RunStatus }
      | undefined;
    if (!row) throw new RegistryError(registryMessages.noRun(runId));
    if (row.status !== 'running') throw new RegistryError(registryMessages.runEnded(runId, row.status));
    db.prepare('UPDATE runs SET status = ?, ended_at = ?, metrics = ?, error = ? WHERE id = ?').run(
      result.status,
      now(),
      metrics,
      result.error ?? null,
      runId,
    );
  }).immediate();
  return getRun(db, runId);
}

/** The run with this id, or with this unique id prefix of at least 4 characters. */
export function getRun(db: Db, id: string): RunRecord {
  const exact = db.prepare(`${selectRuns} WHERE id = ?`).get(id) as RunRow | undefined;
  if (exact) return toRecord(exact);
  if (id.length < minPrefix) throw new RegistryError(registryMessages.shortPrefix(id));
  const ids = db
    .prepare('SELECT id FROM runs WHERE substr(id, 1, ?) = ? ORDER BY id')
    .pluck()
    .all(id.length, id) as string[];
  if (ids.length === 0) throw new RegistryError(registryMessages.noRun(id));
  if (ids.length > 1) throw new RegistryError(registryMessages.ambiguousRun(id, ids));
  return getRun(db, ids[0]);
}

export function listRuns(db: Db, filter: RunFilter = {}): RunRecord[] {
  const where: string[] = [];
  const values: (string | number)[] = [];
  if (filter.name !== undefined) {
    where.push('name = ?');
    values.push(filter.name);
  }
  if (filter.status !== undefined) {
    where.push('status = ?');
    values.push(filter.status);
  }
  let limit = '';
  if (filter.limit !== undefined) {
    if (!Number.isInteger(filter.limit) || filter.limit < 1) {
      throw new RegistryError(registryMessages.notLimit(filter.limit));
    }
    limit = 'LIMIT ?';
    values.push(filter.limit);
  }
  const condition = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
  const rows = db.prepare(`${selectRuns} ${condition} ${newestFirst} ${limit}`).all(...values) as RunRow[];
  return rows.map(toRecord);
}

export function epochs(db: Db, runId: string): EpochRecord[] {
  const { id } = getRun(db, runId);
  const rows = db
    .prepare('SELECT epoch, metrics, seconds FROM epochs WHERE run_id = ? ORDER BY epoch')
    .all(id) as { epoch: number; metrics: string; seconds: number }[];
  return rows.map((row) => ({
    runId: id,
    epoch: row.epoch,
    metrics: decodeMetrics(row.metrics),
    seconds: row.seconds,
  }));
}

export function reapStale(db: Db): RunRecord[] {
  const running = db
    .prepare(
      `SELECT id, pid, host, boot_id AS bootId, process_start AS processStart, started_at AS startedAt
       FROM runs WHERE status = 'running'`,
    )
    .all() as (RecordedProcess & { id: string })[];
  const dead = running.filter(processEnded);
  if (dead.length === 0) return [];
  const reaped = db
    .transaction(() =>
      dead.filter(
        (run) =>
          db
            .prepare(
              "UPDATE runs SET status = 'failed', ended_at = ?, error = ? WHERE id = ? AND status = 'running'",
            )
            .run(now(), registryMessages.staleRun(run.pid), run.id).changes === 1,
      ),
    )
    .immediate();
  return reaped.map((run) => getRun(db, run.id));
}

export function lastFailedRun(db: Db, key: string): RunRecord | undefined {
  const row = db
    .prepare(`${selectRuns} WHERE key = ? AND status = 'failed' ${newestFirst} LIMIT 1`)
    .get(key) as RunRow | undefined;
  return row && toRecord(row);
}

/**
 * Under the write lock, so that of several resumers started at once each gets a different
 * failed run (or none) and no two share a checkpoint folder.
 */
export function claimFailedRun(db: Db, key: string, claimant: string): RunRecord | undefined {
  const by = checkText('claimant', claimant);
  const id = db
    .transaction(() => {
      const found = db
        .prepare(
          `SELECT id FROM runs WHERE key = ? AND status = 'failed' AND resumed_by IS NULL ${newestFirst} LIMIT 1`,
        )
        .pluck()
        .get(key) as string | undefined;
      if (found !== undefined) db.prepare('UPDATE runs SET resumed_by = ? WHERE id = ?').run(by, found);
      return found;
    })
    .immediate();
  return id === undefined ? undefined : getRun(db, id);
}

/** Runs a write that names a run, turning a foreign-key failure into "no run". */
function forRun(runId: string, write: () => void): void {
  try {
    write();
  } catch (error) {
    if ((error as { code?: unknown }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
      throw new RegistryError(registryMessages.noRun(runId), { cause: error });
    }
    throw error;
  }
}
