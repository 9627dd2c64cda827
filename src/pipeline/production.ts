import type { ModelVersion, Registry } from '../registry/index.js';
import { type Artifact, loadArtifact } from './artifact.js';
import { beatsProduction } from './gates.js';
import type { Prepared } from './prepare.js';

/** The model in production for this pipeline's name, loaded, if there is one. */
export interface Production {
  version: ModelVersion;
  artifact: Artifact;
}

export async function currentProduction(registry: Registry, name: string): Promise<Production | undefined> {
  const model = registry.listModels().find((m) => m.name === name);
  if (model?.production == null) return undefined;
  const version = registry.resolve({ name, stage: 'production' });
  return { version, artifact: await loadArtifact(version.path) };
}

/** How the production model did on the same test rows, or why it could not be scored. */
export type ProductionScore =
  | { ok: true; metrics: Record<string, number>; scores: Float32Array; labels: ArrayLike<number> }
  | { ok: false; reason: string };

/**
 * The production model scored on the same raw test rows, through its own cleaning and features.
 * Data it cannot read any more (a renamed column) is a finding, not a failure of this run.
 */
export function scoreProduction(production: Production, prepared: Prepared): ProductionScore {
  const { artifact } = production;
  try {
    if (prepared.testTable) {
      const scored = artifact.scoreTable(prepared.testTable);
      if (!scored.labels) return { ok: false, reason: 'the test rows lack its label column' };
      const metrics = artifact.evaluate(scored.outputs, scored.labels).metrics;
      return { ok: true, metrics, scores: scored.outputs, labels: scored.labels };
    }
    const { outputs } = artifact.predict(prepared.test.x);
    const labels = prepared.test.y.values;
    return { ok: true, metrics: artifact.evaluate(outputs, labels).metrics, scores: outputs, labels };
  } catch (e) {
    return { ok: false, reason: (e as Error).message };
  }
}

export interface Comparison {
  version: number;
  metric: string;
  candidate: number;
  production: number;
  /** Whether the candidate wins (ties do not). */
  beats: boolean;
}

export function compare(
  production: Production,
  score: Extract<ProductionScore, { ok: true }>,
  metric: string,
  candidate: number,
): Comparison {
  const theirs = score.metrics[metric] ?? Number.NaN;
  return {
    version: production.version.version,
    metric,
    candidate,
    production: theirs,
    beats: beatsProduction(metric, candidate, theirs),
  };
}
