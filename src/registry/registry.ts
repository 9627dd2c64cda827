import path from 'node:path';
import { type Db, openDatabase } from './db.js';
import { registryHome } from './home.js';
import {
  listModels,
  type ModelInit,
  type ModelSummary,
  type ModelVersion,
  registerModel,
  resolve,
  versions,
} from './models.js';
import type { ModelRef } from './reference.js';
import {
  claimFailedRun,
  type EpochRecord,
  epochs,
  finishRun,
  getRun,
  lastFailedRun,
  listRuns,
  logDuration,
  logEpoch,
  type RunFilter,
  type RunInit,
  type RunRecord,
  type RunResult,
  reapStale,
  setArtifact,
  startRun,
} from './runs.js';
import { archive, type PromoteOptions, promote, rollback, type StageChange, stageHistory } from './stages.js';

/**
 * The tracking store and model registry in one folder: `deepline.db` (SQLite, WAL) for runs,
 * epochs, model versions and stage history, and `models/<name>/<version>/` for artifacts.
 * Several processes may use the same folder at once.
 */
export class Registry {
  readonly home: string;
  readonly #db: Db;

  /** Opens (creating if missing) the registry in `home` and marks runs of dead processes failed. */
  constructor(home: string) {
    this.home = path.resolve(home);
    this.#db = openDatabase(this.home);
    this.reapStale();
  }

  close(): void {
    this.#db.close();
  }

  // --- runs ---------------------------------------------------------------------------------

  startRun(init: RunInit): RunRecord {
    return startRun(this.#db, init);
  }

  /** Re-logging an epoch (a resumed run) replaces it. */
  logEpoch(runId: string, epoch: number, metrics: Record<string, number>, seconds: number): void {
    logEpoch(this.#db, runId, epoch, metrics, seconds);
  }

  /** Re-logging a stage replaces its seconds; other stages are kept. */
  logDuration(runId: string, stage: string, seconds: number): void {
    logDuration(this.#db, runId, stage, seconds);
  }

  setArtifact(runId: string, artifactPath: string): void {
    setArtifact(this.#db, runId, artifactPath);
  }

  /** Ends a running run; a run that has already ended cannot be finished again. */
  finishRun(runId: string, result: RunResult): RunRecord {
    return finishRun(this.#db, runId, result);
  }

  /** The run with this id, or a unique prefix of it (at least 4 characters). */
  getRun(id: string): RunRecord {
    return getRun(this.#db, id);
  }

  /** Newest first. */
  listRuns(filter?: RunFilter): RunRecord[] {
    return listRuns(this.#db, filter);
  }

  /** A run's epochs in order; the run may be named by a unique id prefix. */
  epochs(runId: string): EpochRecord[] {
    return epochs(this.#db, runId);
  }

  /**
   * Runs left 'running' by a process that no longer exists become 'failed' with error 'the
   * process (pid N) ended without finishing the run'. Returns them. On Linux a run's process is
   * known by boot id, pid and start time, so a new process that got the same pid (a container
   * rerun, even this process) does not keep a dead run alive. A process in another pid namespace
   * cannot be seen, so containers that use one registry at the same time must share a pid
   * namespace (`--pid=host`). Elsewhere, and for runs recorded before schema 2, only runs of
   * this host are checked, by pid.
   */
  reapStale(): RunRecord[] {
    return reapStale(this.#db);
  }

  /** The newest failed run with this key, to resume from its checkpoint. */
  lastFailedRun(key: string): RunRecord | undefined {
    return lastFailedRun(this.#db, key);
  }

  /**
   * The newest failed run with this key that nobody has claimed, now marked `resumedBy:
   * claimant`; undefined when there is none. Of callers racing for the same key, in this or
   * other processes, each gets a different run, so resumers never share a checkpoint folder.
   */
  claimFailedRun(key: string, claimant: string): RunRecord | undefined {
    return claimFailedRun(this.#db, key, claimant);
  }

  // --- models -------------------------------------------------------------------------------

  /** Copies the artifact folder `source` in as the model's next version, stage 'candidate'. */
  registerModel(init: ModelInit): ModelVersion {
    return registerModel(this.#db, this.home, init);
  }

  listModels(): ModelSummary[] {
    return listModels(this.#db);
  }

  /** Newest first. */
  versions(name: string): ModelVersion[] {
    return versions(this.#db, this.home, name);
  }

  /** 'churn': production, else the latest version; 'churn:3': version 3; 'churn@candidate': the newest candidate. */
  resolve(ref: string | ModelRef): ModelVersion {
    return resolve(this.#db, this.home, ref);
  }

  /**
   * Makes `version` production; the previous production version becomes archived. With
   * `expectedProduction`, only if production is still that version (null: none); otherwise
   * nothing changes and a `ProductionChangedError` names the production version now.
   */
  promote(name: string, version: number, reason?: string, options?: PromoteOptions): ModelVersion {
    return promote(this.#db, this.home, name, version, reason, options);
  }

  /** Puts back the version that was production before the current one and archives the current one. */
  rollback(name: string, reason?: string): ModelVersion {
    return rollback(this.#db, this.home, name, reason);
  }

  archive(name: string, version: number, reason?: string): ModelVersion {
    return archive(this.#db, this.home, name, version, reason);
  }

  /** Oldest first. */
  stageHistory(name: string): StageChange[] {
    return stageHistory(this.#db, this.home, name);
  }
}

/** Opens the registry in `home`, by default `registryHome()`. */
export function openRegistry(home: string = registryHome()): Registry {
  return new Registry(home);
}
