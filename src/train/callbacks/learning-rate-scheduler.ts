import { checkOptions, optionNames } from '../../nn/serialize.js';
import { messages, ValueError } from '../../tensor/errors.js';
import { Callback, type Logs } from '../callback.js';
import { checkVerbose } from './monitor.js';

/** The learning rate for a 0-based epoch, given the rate now. */
export type Schedule = (epoch: number, learningRate: number) => number;

export interface LearningRateSchedulerOptions {
  verbose?: 0 | 1;
}

/**
 * Sets the learning rate at the start of each epoch from `schedule(epoch, rate)`, as Keras's
 * LearningRateScheduler, and logs the rate the epoch ran at as 'learning_rate'.
 */
export class LearningRateScheduler extends Callback {
  readonly schedule: Schedule;
  readonly verbose: 0 | 1;

  constructor(schedule: Schedule, options: LearningRateSchedulerOptions = {}) {
    super();
    if (typeof schedule !== 'function') {
      throw new ValueError(
        messages.invalidArgument(
          'LearningRateScheduler',
          'schedule',
          typeof schedule,
          'a function (epoch, lr) => lr',
        ),
      );
    }
    checkOptions(
      'LearningRateScheduler',
      options,
      optionNames<LearningRateSchedulerOptions>({ verbose: true }),
    );
    const { verbose = 0 } = options;
    checkVerbose('LearningRateScheduler', verbose);
    this.schedule = schedule;
    this.verbose = verbose;
  }

  override onEpochBegin(epoch: number): void {
    const optimizer = this.model.optimizer;
    const rate = this.schedule(epoch, optimizer.learningRate);
    if (typeof rate !== 'number' || !Number.isFinite(rate) || rate < 0) {
      throw new ValueError(
        `LearningRateScheduler: the schedule returned ${String(rate)} for epoch ${epoch}, ` +
          'expected a finite non-negative number',
      );
    }
    optimizer.setLearningRate(rate);
    if (this.verbose > 0)
      console.log(`\nEpoch ${epoch + 1}: LearningRateScheduler setting learning rate to ${rate}.`);
  }

  override onEpochEnd(_epoch: number, logs: Logs): void {
    logs.learning_rate = this.model.optimizer.learningRate;
  }
}
