import type { ArtifactMetadata } from '../../../src/pipeline/artifact.js';
import type { Stage } from '../../../src/registry/index.js';
import { NotFoundError } from '../../../src/serve/errors.js';
import type {
  InferenceInput,
  InferenceOutput,
  LoadedVersion,
  Serving,
  Signature,
  VersionSelector,
} from '../../../src/serve/types.js';

/**
 * A Serving that answers from fixed formulas, so that the HTTP layer is tested on its own: every
 * call is recorded, and a test can make it slow, not ready, or fail the next call.
 *
 * - half_plus_three (version 123): TF Serving's documentation model, y = x / 2 + 3, regress.
 * - mnist (1 archived, 2 production): an image classifier, always 91% sure of "7".
 * - churn (3 production, 4 candidate): a binary table classifier, P(yes) 0.8 for month-to-month
 *   contracts, else 0.1; records with a negative or missing tenure are rejected.
 * - sensors (1): TF Serving's two-input example, with two outputs (sum of signal; sensor's diagonal).
 */

type Compute = (input: InferenceInput) => InferenceOutput;

interface FakeModel {
  versions: { version: number; stage: Stage }[];
  meta: ArtifactMetadata;
  signature: Signature;
  compute: Compute;
}

const baseMeta = {
  deepline: '0.1.0',
  pipeline: 'fake',
  runId: 'run-1',
  metrics: {},
  dataFingerprint: 'fp',
  trainedAt: '2024-01-01T00:00:00Z',
};

const mnistScores = Float32Array.from({ length: 10 }, (_, k) => (k === 7 ? 0.91 : 0.01));

function tensorsOnly(input: InferenceInput): Extract<InferenceInput, { kind: 'tensors' }> {
  if (input.kind !== 'tensors') throw new Error(`fake: unexpected ${input.kind}`);
  return input;
}

const models: Record<string, FakeModel> = {
  half_plus_three: {
    versions: [{ version: 123, stage: 'production' }],
    meta: {
      ...baseMeta,
      task: 'regression',
      classes: [],
      input: { kind: 'table', label: 'y', columns: ['x'] },
    },
    signature: {
      inputs: [{ name: 'x', dtype: 'DT_FLOAT', shape: [-1] }],
      outputs: [{ name: 'y', dtype: 'DT_FLOAT', shape: [-1] }],
      methods: ['predict', 'regress'],
    },
    compute: (input) => {
      const xs =
        input.kind === 'records'
          ? input.records.map((r) => Number(r.x))
          : Array.from(tensorsOnly(input).inputs[0]);
      return { outputs: Float32Array.from(xs, (x) => x / 2 + 3), width: 1 };
    },
  },
  mnist: {
    versions: [
      { version: 1, stage: 'archived' },
      { version: 2, stage: 'production' },
    ],
    meta: {
      ...baseMeta,
      task: 'multiclass',
      classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
      input: { kind: 'image', shape: [28, 28, 1], scale: 1 / 255, inputName: 'image' },
    },
    signature: {
      inputs: [{ name: 'image', dtype: 'DT_FLOAT', shape: [-1, 28, 28, 1] }],
      outputs: [{ name: 'probabilities', dtype: 'DT_FLOAT', shape: [-1, 10] }],
      methods: ['predict', 'classify'],
    },
    compute: (input) => {
      const count = input.kind === 'images' ? input.images.length : tensorsOnly(input).count;
      const outputs = new Float32Array(count * 10);
      for (let i = 0; i < count; i++) outputs.set(mnistScores, i * 10);
      return { outputs, width: 10 };
    },
  },
  churn: {
    versions: [
      { version: 3, stage: 'production' },
      { version: 4, stage: 'candidate' },
    ],
    meta: {
      ...baseMeta,
      task: 'binary',
      classes: ['no', 'yes'],
      input: {
        kind: 'table',
        label: 'churn',
        columns: ['tenure', 'contract', 'monthly_charges', 'paperless'],
      },
      schema: {
        format: 'deepline-schema',
        version: 1,
        rows: 100,
        read: { sentinels: [''], decimalSeparator: 'auto', dateOrder: 'mdy' },
        columns: [
          {
            name: 'tenure',
            type: 'integer',
            required: true,
            maxMissingRate: 0,
            invalidRate: 0,
            domain: { kind: 'numeric', min: 0, max: 72 },
          },
          {
            name: 'contract',
            type: 'category',
            required: true,
            maxMissingRate: 0,
            invalidRate: 0,
            domain: { kind: 'category', values: ['month-to-month', 'one year', 'two year'] },
          },
          { name: 'monthly_charges', type: 'number', required: false, maxMissingRate: 0.1, invalidRate: 0 },
          { name: 'paperless', type: 'boolean', required: false, maxMissingRate: 0.1, invalidRate: 0 },
        ],
      },
    },
    signature: {
      inputs: [
        { name: 'features', dtype: 'DT_FLOAT', shape: [-1, 3] },
        { name: 'contract', dtype: 'DT_INT32', shape: [-1, 1] },
      ],
      outputs: [{ name: 'probabilities', dtype: 'DT_FLOAT', shape: [-1, 1] }],
      methods: ['predict', 'classify'],
    },
    compute: (input) => {
      if (input.kind === 'records') {
        const rejected = input.records.flatMap((r, index) =>
          typeof r.tenure === 'number' && r.tenure >= 0
            ? []
            : [{ index, reason: 'tenure: missing or negative' }],
        );
        const kept = input.records.filter((_, i) => !rejected.some((r) => r.index === i));
        const outputs = Float32Array.from(kept, (r) => (r.contract === 'month-to-month' ? 0.8 : 0.1));
        return { outputs, width: 1, ...(rejected.length > 0 && { rejected }) };
      }
      const { count, inputs } = tensorsOnly(input);
      return {
        outputs: Float32Array.from({ length: count }, (_, i) => (inputs[1][i] === 0 ? 0.8 : 0.1)),
        width: 1,
      };
    },
  },
  sensors: {
    versions: [{ version: 1, stage: 'production' }],
    meta: {
      ...baseMeta,
      task: 'regression',
      classes: [],
      input: { kind: 'table', label: 'y', columns: ['signal', 'sensor'] },
    },
    signature: {
      inputs: [
        { name: 'signal', dtype: 'DT_FLOAT', shape: [-1, 5] },
        { name: 'sensor', dtype: 'DT_FLOAT', shape: [-1, 2, 2] },
      ],
      outputs: [
        { name: 'total', dtype: 'DT_FLOAT', shape: [-1] },
        { name: 'diagonal', dtype: 'DT_FLOAT', shape: [-1, 2] },
      ],
      methods: ['predict'],
    },
    compute: (input) => {
      const { count, inputs } = tensorsOnly(input);
      const [signal, sensor] = inputs;
      const outputs = new Float32Array(count * 3);
      for (let i = 0; i < count; i++) {
        outputs[i * 3] = signal.subarray(i * 5, i * 5 + 5).reduce((a, b) => a + b, 0);
        outputs[i * 3 + 1] = sensor[i * 4];
        outputs[i * 3 + 2] = sensor[i * 4 + 3];
      }
      return { outputs, width: 3 };
    },
  },
};

export interface InferCall {
  name: string;
  version: number;
  input: InferenceInput;
}

export class FakeServing implements Serving {
  readonly calls: InferCall[] = [];
  /** Inferences that have finished, answered or failed. */
  completed = 0;
  isReady = true;
  closed = false;
  /** Each inference waits this long first, as a slow model would. */
  delayMs = 0;
  #failNext: Error | undefined;
  #answerNext: InferenceOutput | undefined;

  /** The next inference rejects with this error. */
  failNext(error: Error): void {
    this.#failNext = error;
  }

  /** The next inference answers this, whatever was asked. */
  answerNext(output: InferenceOutput): void {
    this.#answerNext = output;
  }

  names(): string[] {
    return Object.keys(models);
  }

  status(name: string): LoadedVersion[] {
    return this.#model(name).versions.map((v) => this.#loaded(name, v.version, v.stage));
  }

  resolve(name: string, selector: VersionSelector): LoadedVersion {
    const { versions } = this.#model(name);
    const found =
      selector.kind === 'version'
        ? versions.find((v) => v.version === selector.version)
        : selector.kind === 'label'
          ? versions.find((v) => v.stage === selector.label)
          : (versions.find((v) => v.stage === 'production') ?? versions.at(-1));
    if (!found)
      throw new NotFoundError(`Servable not found for request: ${describeSelector(name, selector)}`);
    return this.#loaded(name, found.version, found.stage);
  }

  async infer(version: LoadedVersion, input: InferenceInput): Promise<InferenceOutput> {
    this.calls.push({ name: version.name, version: version.version, input });
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    this.completed++;
    const failure = this.#failNext;
    const answer = this.#answerNext;
    this.#failNext = undefined;
    this.#answerNext = undefined;
    if (failure) throw failure;
    return answer ?? this.#model(version.name).compute(input);
  }

  ready(): boolean {
    return this.isReady;
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  #model(name: string): FakeModel {
    const model = Object.hasOwn(models, name) ? models[name] : undefined;
    if (!model) throw new NotFoundError(`Servable not found for request: Latest(${name})`);
    return model;
  }

  #loaded(name: string, version: number, stage: Stage): LoadedVersion {
    const { meta, signature } = this.#model(name);
    return { name, version, stage, meta, signature };
  }
}

function describeSelector(name: string, selector: VersionSelector): string {
  if (selector.kind === 'version') return `Specific(${name}, ${selector.version})`;
  if (selector.kind === 'label') return `Label(${name}, ${selector.label})`;
  return `Latest(${name})`;
}
