// Keras's callbacks, as classes and as TensorFlow.js-style factories (`earlyStopping({…})`).
import { BackupAndRestore, type BackupAndRestoreOptions } from './backup-and-restore.js';
import { CSVLogger, type CSVLoggerOptions } from './csv-logger.js';
import { EarlyStopping, type EarlyStoppingOptions } from './early-stopping.js';
import {
  LearningRateScheduler,
  type LearningRateSchedulerOptions,
  type Schedule,
} from './learning-rate-scheduler.js';
import { ModelCheckpoint, type ModelCheckpointOptions } from './model-checkpoint.js';
import { ReduceLROnPlateau, type ReduceLROnPlateauOptions } from './reduce-lr-on-plateau.js';
import { TerminateOnNaN } from './terminate-on-nan.js';

export type { CallbackState, CallbackStateValue, StatefulCallback } from '../callback.js';
export { BackupAndRestore, type BackupAndRestoreOptions } from './backup-and-restore.js';
export { CSVLogger, type CSVLoggerOptions } from './csv-logger.js';
export { EarlyStopping, type EarlyStoppingOptions } from './early-stopping.js';
export { History } from './history.js';
export {
  LearningRateScheduler,
  type LearningRateSchedulerOptions,
  type Schedule,
} from './learning-rate-scheduler.js';
export { formatFilepath, ModelCheckpoint, type ModelCheckpointOptions } from './model-checkpoint.js';
export type { MonitorMode } from './monitor.js';
export { ReduceLROnPlateau, type ReduceLROnPlateauOptions } from './reduce-lr-on-plateau.js';
export { TerminateOnNaN } from './terminate-on-nan.js';

export function earlyStopping(options: EarlyStoppingOptions = {}): EarlyStopping {
  return new EarlyStopping(options);
}

export function modelCheckpoint(options: ModelCheckpointOptions): ModelCheckpoint {
  return new ModelCheckpoint(options);
}

export function reduceLROnPlateau(options: ReduceLROnPlateauOptions = {}): ReduceLROnPlateau {
  return new ReduceLROnPlateau(options);
}

export function learningRateScheduler(
  schedule: Schedule,
  options: LearningRateSchedulerOptions = {},
): LearningRateScheduler {
  return new LearningRateScheduler(schedule, options);
}

export function csvLogger(options: CSVLoggerOptions): CSVLogger {
  return new CSVLogger(options);
}

export function terminateOnNaN(): TerminateOnNaN {
  return new TerminateOnNaN();
}

export function backupAndRestore(options: BackupAndRestoreOptions): BackupAndRestore {
  return new BackupAndRestore(options);
}
