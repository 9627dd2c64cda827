import { DeeplineError } from '../tensor/errors.js';

/**
 * Gates decide what the registry does with a trained version, as TFX's Evaluator blesses a
 * model: it becomes a candidate only if every metric gate passes, and is promoted only if it
 * also beats the production model on the same test data.
 */

export type GateOp = '>=' | '>' | '<=' | '<';

export interface GateSpec {
  metric: string;
  op: GateOp;
  threshold: number;
}

export interface GateResult extends GateSpec {
  actual: number;
  passed: boolean;
}

export class GateError extends DeeplineError {
  override name = 'GateError';
}

const OPS: readonly GateOp[] = ['>=', '>', '<=', '<'];

// Two-character operators come first in the alternation so '>=' is not read as '>' then '=0.9'.
const GATE_PATTERN = /^\s*([A-Za-z_][\w.]*)\s*(>=|<=|>|<)\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*$/;

/** Parses 'accuracy >= 0.98'. */
export function parseGate(text: string): GateSpec {
  const match = GATE_PATTERN.exec(text);
  if (!match) {
    throw new GateError(
      `gate ${JSON.stringify(text)} is not of the form "metric >= number" (operators: ${OPS.join(' ')})`,
    );
  }
  return { metric: match[1], op: match[2] as GateOp, threshold: Number(match[3]) };
}

/** A gate as the pipeline file may write it: the string form or the object form, checked alike. */
export function toGate(input: string | GateSpec): GateSpec {
  if (typeof input === 'string') return parseGate(input);
  const { metric, op, threshold } = input;
  if (typeof metric !== 'string' || metric === '' || !OPS.includes(op) || !Number.isFinite(threshold)) {
    throw new GateError(
      `gate ${JSON.stringify(input)} is not of the form { metric: string, op: ${OPS.map((o) => `'${o}'`).join(' | ')}, threshold: number }`,
    );
  }
  return { metric, op, threshold };
}

function compare(actual: number, op: GateOp, threshold: number): boolean {
  switch (op) {
    case '>=':
      return actual >= threshold;
    case '>':
      return actual > threshold;
    case '<=':
      return actual <= threshold;
    case '<':
      return actual < threshold;
  }
}

/** A NaN metric fails every gate: no comparison with NaN is true. */
export function checkGates(
  gates: readonly GateSpec[],
  metrics: Record<string, number>,
): { passed: boolean; results: GateResult[] } {
  const results = gates.map((gate): GateResult => {
    if (!Object.hasOwn(metrics, gate.metric)) {
      throw new GateError(
        `gate '${gate.metric} ${gate.op} ${gate.threshold}' names an unknown metric '${gate.metric}'; ` +
          `available: ${Object.keys(metrics).join(', ') || '(none)'}`,
      );
    }
    const actual = metrics[gate.metric];
    return { ...gate, actual, passed: compare(actual, gate.op, gate.threshold) };
  });
  return { passed: results.every((r) => r.passed), results };
}

const LOWER_IS_BETTER = new Set(['mae', 'mse', 'rmse']);

/** Errors and losses (any name ending in 'loss': loss, log_loss, val_loss) are better when lower. */
export function lowerIsBetter(metric: string): boolean {
  return LOWER_IS_BETTER.has(metric) || /(^|_)loss$/.test(metric);
}

/** Ties do not promote: replacing production needs evidence, not a coin toss. NaN never beats. */
export function beatsProduction(metric: string, candidate: number, production: number): boolean {
  return lowerIsBetter(metric) ? candidate < production : candidate > production;
}
