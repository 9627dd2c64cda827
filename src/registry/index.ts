/**
 * The tracking store (runs, epochs, durations) and the model registry (named, versioned models
 * with stages), kept in one SQLite database and a folder of artifacts.
 */
export { ProductionChangedError, RegistryError, registryMessages } from './errors.js';
export { registryHome } from './home.js';
export type { ModelInit, ModelSummary, ModelVersion } from './models.js';
export { type ModelRef, parseModelRef, type Stage, stages } from './reference.js';
export { openRegistry, Registry } from './registry.js';
export type { EpochRecord, RunFilter, RunInit, RunRecord, RunResult, RunStatus } from './runs.js';
export type { PromoteOptions, StageChange } from './stages.js';
