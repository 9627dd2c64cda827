import type { ArtifactMetadata } from '../pipeline/artifact.js';
import type { Stage } from '../registry/index.js';

/**
 * The contract between the HTTP layer (routes) and the serving runtime (model store, batcher,
 * inference worker). Routes validate JSON against a model's Signature and hand the runtime
 * plain typed arrays or records; the runtime answers with flat outputs and the version that
 * produced them.
 */

/** One named tensor of a signature; shapes include the batch dimension as -1. */
export interface TensorSpec {
  name: string;
  dtype: 'DT_FLOAT' | 'DT_INT32';
  shape: number[];
}

/** What `GET /v1/models/{name}/metadata` describes: TF Serving's `serving_default` signature. */
export interface Signature {
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  /** TF Serving's method: predict for all; classify for classifiers, regress for regressions. */
  methods: ('predict' | 'classify' | 'regress')[];
}

/** A version loaded and ready: what the routes need to validate requests and shape answers. */
export interface LoadedVersion {
  name: string;
  version: number;
  stage: Stage;
  meta: ArtifactMetadata;
  signature: Signature;
}

/** How a request picks a version: the default (production, else latest), a number or a stage label. */
export type VersionSelector =
  | { kind: 'default' }
  | { kind: 'version'; version: number }
  | { kind: 'label'; label: string };

/** Work for the inference worker, already validated against the signature. */
export type InferenceInput =
  /** One flat float32 array per signature input, `count` examples each, row-major. */
  | { kind: 'tensors'; count: number; inputs: Float32Array[] }
  /** Raw business records (classify/regress): the artifact's cleaning and features are applied. */
  | { kind: 'records'; records: Record<string, unknown>[] }
  /** Encoded images (PNG/JPEG bytes) for an image model: decoded, resized, scaled as in training. */
  | { kind: 'images'; images: Uint8Array[] }
  /** A recommender's customers (embedding indices) whose weighted mean score of every product is wanted. */
  | { kind: 'recommend'; users: number[]; weights: number[] };

export interface InferenceOutput {
  /** Row-major, `width` values per example (probabilities, or the regression value). */
  outputs: Float32Array;
  width: number;
  /** For records: which input records were scored; the others were set aside by cleaning, with the reason. */
  rejected?: { index: number; reason: string }[];
}

/** The serving runtime the routes call. */
export interface Serving {
  /** Names of the models served. */
  names(): string[];
  /** The versions of a model that can answer now, for `GET /v1/models/{name}`. Throws NotFoundError. */
  status(name: string): LoadedVersion[];
  /** Resolves a request's model and version; throws NotFoundError (unknown model, version or label). */
  resolve(name: string, selector: VersionSelector): LoadedVersion;
  /**
   * As resolve, but a registered version that is not loaded yet (an explicit version or label)
   * is loaded and awaited; resolve throws UnavailableError for it while it loads.
   */
  load?(name: string, selector: VersionSelector): Promise<LoadedVersion>;
  /**
   * Runs inference, batched with concurrent requests for the same version (up to the batch size
   * or the wait). Rejects with a ServingError (e.g. overloaded, timed out, worker failed).
   */
  infer(version: LoadedVersion, input: InferenceInput): Promise<InferenceOutput>;
  /** True once every served model has a version loaded. */
  ready(): boolean;
  /** Stops watching the registry and stops the worker after in-flight work finishes. */
  close(): Promise<void>;
}
