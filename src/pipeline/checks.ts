import { type PipelineConfig, PipelineConfigError } from './config.js';
import { metricNames, type Task } from './evaluation.js';
import { type GateSpec, toGate } from './gates.js';

/** The metric a candidate must beat production on, unless the file names one. */
export function compareMetric(config: PipelineConfig, task: Task): string {
  return config.evaluate.compare ?? (task === 'binary' ? 'auc' : task === 'multiclass' ? 'accuracy' : 'rmse');
}

/**
 * What only the data can settle (the task, the classes), checked before training rather than
 * after: gates and the comparison name metrics this task reports; a threshold and a value matrix
 * only mean something for a binary decision, the value of automation for any class decision.
 */
export function checkAgainstTask(
  config: PipelineConfig,
  path: string,
  task: Task,
  classes: number,
): GateSpec[] {
  const known = metricNames(task, classes);
  const gates = config.evaluate.gates.map((g, i) => {
    const gate = toGate(g);
    if (!known.includes(gate.metric))
      throw new PipelineConfigError(
        `${path}: evaluate.gates[${i}]: a ${task} model reports no '${gate.metric}'; it reports ${known.join(', ')}`,
      );
    return gate;
  });
  const compare = compareMetric(config, task);
  if (!known.includes(compare))
    throw new PipelineConfigError(
      `${path}: evaluate.compare: a ${task} model reports no '${compare}'; it reports ${known.join(', ')}`,
    );
  const automation = config.value !== undefined && 'automation' in config.value;
  if (automation && task === 'regression')
    throw new PipelineConfigError(
      `${path}: value.automation: automation is valued on class decisions, and this label makes a regression model`,
    );
  if (task !== 'binary') {
    const binaryOnly = [
      config.value && !automation && 'value',
      config.evaluate.threshold !== undefined && 'evaluate.threshold',
    ].filter(Boolean);
    if (binaryOnly.length > 0)
      throw new PipelineConfigError(
        `${path}: ${binaryOnly.join(' and ')}: only a binary model has a decision threshold to value, and this label makes a ${task} model`,
      );
  }
  return gates;
}
