import { type ModelVersion, ProductionChangedError, type Registry } from '../registry/index.js';
import type { PipelineConfig } from './config.js';
import { formatMetric } from './evaluation.js';
import type { Comparison, Production } from './production.js';

/** What registering and promoting read of a run's result, and what they fill in. */
export interface Outcome {
  artifactPath: string;
  evaluation: { metrics: Record<string, number> };
  gates: { passed: boolean };
  /** The comparison with production on the same test data, made before this is called. */
  production?: Comparison;
  notes: string[];
  registered?: ModelVersion;
  promoted: boolean;
}

/**
 * TFX's blessing, once the candidate has been compared with production: registered as a candidate
 * if the gates pass; promoted if it also beats production (or there is none), and production did
 * not change while this run trained (compare-and-set on the registry).
 */
export function registerAndPromote(
  registry: Registry,
  config: PipelineConfig,
  outcome: Outcome,
  production: Production | undefined,
  runId: string,
  metric: string,
): void {
  if (!config.output.register || !outcome.gates.passed) return;
  outcome.registered = registry.registerModel({
    name: config.name,
    source: outcome.artifactPath,
    runId,
    metrics: outcome.evaluation.metrics,
  });
  if (config.output.promote !== 'auto') return;
  const comparison = outcome.production;
  if (production && !comparison) {
    outcome.notes.push('not promoted: it could not be compared with production');
    return;
  }
  if (comparison && !comparison.beats) return;
  const reason = comparison
    ? `${metric} ${formatMetric(comparison.candidate)} beats v${comparison.version}'s ${formatMetric(comparison.production)}`
    : 'first model to pass the gates';
  try {
    outcome.registered = registry.promote(config.name, outcome.registered.version, reason, {
      expectedProduction: production?.version.version ?? null,
    });
    outcome.promoted = true;
  } catch (e) {
    if (!(e instanceof ProductionChangedError)) throw e;
    outcome.notes.push(`not promoted: ${e.message}`);
  }
}

/** Commands a person would type next; `evaluable` models can also be evaluated on new labelled data. */
export function nextCommands(
  outcome: Pick<Outcome, 'registered' | 'promoted'>,
  runId: string,
  evaluable: boolean,
): string[] {
  const next: string[] = [];
  const { registered } = outcome;
  if (registered) {
    const ref = outcome.promoted
      ? `${registered.name}@production`
      : `${registered.name}:${registered.version}`;
    next.push(`deepline serve --model ${ref}`);
    if (evaluable) next.push(`deepline evaluate ${ref} <new labelled data>`);
    if (!outcome.promoted) next.push(`deepline models promote ${registered.name} ${registered.version}`);
  }
  next.push(`deepline runs show ${runId}`);
  return next;
}
