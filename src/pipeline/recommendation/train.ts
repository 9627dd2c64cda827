import { Callback, type Logs } from '../../train/callback.js';
import type { Model } from '../../train/model.js';
import type { PipelineConfig } from '../config.js';
import type { StatusUpdate } from '../training.js';
import { sampledEpochs, sampledOnce } from './sampling.js';
import type { Interactions } from './split.js';

/**
 * Trains a customer × product model on the bought pairs and fresh sampled negatives each epoch,
 * with binary cross-entropy, as the train section says (optimizer, learning rate, epochs, batch
 * size); val_loss is on the held-out pairs with one fixed draw of negatives. Returns each epoch's
 * logs and seconds.
 */
export async function trainRanker(
  model: Model,
  data: Interactions,
  options: { config: PipelineConfig; negatives: number; label: string; update: StatusUpdate },
): Promise<TrainedEpochs> {
  const { train } = options.config;
  const { name, ...optimizer } =
    typeof train.optimizer === 'string' ? { name: train.optimizer } : train.optimizer;
  model.compile({
    optimizer: {
      className: name,
      config: { ...optimizer, ...(train.learningRate !== undefined && { learningRate: train.learningRate }) },
    },
    loss: 'binaryCrossentropy',
  });
  const sampling = {
    items: data.catalogue.length,
    negatives: options.negatives,
    batchSize: train.batchSize,
    bought: data.seen,
  };
  const epochs: TrainedEpochs = { logs: [], seconds: [] };
  await model.fit(sampledEpochs(data.train, { ...sampling, seed: train.seed }), undefined, {
    epochs: train.epochs,
    ...(data.validation.users.length > 0 && {
      validationData: sampledOnce(data.validation, { ...sampling, seed: train.seed + 1 }),
    }),
    callbacks: [new Progress(options.label, train.epochs, options.update, epochs)],
    verbose: 0,
  });
  return epochs;
}

export interface TrainedEpochs {
  logs: Logs[];
  seconds: number[];
}

class Progress extends Callback {
  #last = 0;
  #start = 0;

  constructor(
    readonly label: string,
    readonly total: number,
    readonly update: StatusUpdate,
    readonly epochs: TrainedEpochs,
  ) {
    super();
  }

  override onEpochBegin(): void {
    this.#start = performance.now();
  }

  override onBatchEnd(batch: number, logs: Logs): void {
    const now = performance.now();
    if (now - this.#last < 250) return;
    this.#last = now;
    const loss = typeof logs.loss === 'number' ? ` loss ${logs.loss.toFixed(4)}` : '';
    this.update(
      `${this.label}: epoch ${this.epochs.logs.length + 1}/${this.total} batch ${batch + 1}${loss}`,
      true,
    );
  }

  override onEpochEnd(epoch: number, logs: Logs): void {
    this.epochs.logs.push({ ...logs });
    this.epochs.seconds.push((performance.now() - this.#start) / 1000);
    const shown = Object.entries(logs)
      .filter(([, v]) => typeof v === 'number')
      .map(([k, v]) => `${k} ${(v as number).toFixed(4)}`)
      .join(' · ');
    this.update(`${this.label}: epoch ${epoch + 1}/${this.total} ${shown}`);
  }
}
