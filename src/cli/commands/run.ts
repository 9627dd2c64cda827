import { relative } from 'node:path';
import { Command } from 'commander';
import { summarizeAutomation } from '../../pipeline/automation.js';
import { formatMetric as round } from '../../pipeline/evaluation.js';
import { summarizeRanking } from '../../pipeline/recommendation/summary.js';
import { type RunResult, runPipeline } from '../../pipeline/run.js';
import { formatMoney } from '../../pipeline/value.js';
import { writeRunReport } from '../../report/run-report.js';
import { OutcomeError } from '../errors.js';
import { homeOption, positiveInteger } from '../options.js';
import { stageReporter } from '../progress.js';
import { variantLines } from '../variant-lines.js';

interface RunFlags {
  epochs?: number;
  home?: string;
  report: boolean;
}

export function runCommand(): Command {
  return new Command('run')
    .description(
      'run a pipeline file: data → clean → features → train → evaluate → gates → register → report',
    )
    .argument('<pipeline>', 'the pipeline file (YAML or JSON)')
    .option('--epochs <n>', "override the file's train.epochs", positiveInteger)
    .option(...homeOption)
    .option('--no-report', 'skip the HTML report')
    .action(async (pipeline: string, flags: RunFlags) => {
      const result = await runPipeline(pipeline, {
        reporter: stageReporter(),
        ...(flags.epochs !== undefined && { epochs: flags.epochs }),
        ...(flags.home !== undefined && { home: flags.home }),
        ...(flags.report && { report: writeRunReport }),
      });
      console.log(summary(result).join('\n'));
      if (!result.gates.passed) {
        const failed = result.gates.results.filter((g) => !g.passed);
        throw new OutcomeError(
          `not registered: ${failed.map((g) => `${g.metric} ${g.op} ${g.threshold} failed (${round(g.actual)})`).join('; ')}`,
        );
      }
    });
}

export function trainCommand(): Command {
  return new Command('train')
    .description('train the model a pipeline file describes and save it, without gates, registry or report')
    .argument('<pipeline>', 'the pipeline file (YAML or JSON)')
    .option('--epochs <n>', "override the file's train.epochs", positiveInteger)
    .option(...homeOption)
    .action(async (pipeline: string, flags: Omit<RunFlags, 'report'>) => {
      const result = await runPipeline(pipeline, {
        reporter: stageReporter(),
        trainOnly: true,
        ...(flags.epochs !== undefined && { epochs: flags.epochs }),
        ...(flags.home !== undefined && { home: flags.home }),
      });
      console.log(summary(result).join('\n'));
    });
}

function here(path: string): string {
  const r = relative(process.cwd(), path);
  return r.startsWith('..') ? path : r;
}

/** What a person needs after a run: how good, what it is worth, where it went, what to type next. */
function summary(result: RunResult): string[] {
  const { evaluation, run } = result;
  const lines = [''];
  lines.push(`run ${run.id} (${result.config.name}) ${run.status}`);
  if (result.resumedFrom !== undefined)
    lines.push(`resumed after epoch ${result.resumedFrom} from the last checkpoint`);
  if (result.variants) lines.push(...variantLines(result.variants));
  lines.push(
    `test: ${Object.entries(evaluation.metrics)
      .map(([k, v]) => `${k} ${round(v)}`)
      .join(', ')}`,
  );
  if (result.value) {
    const v = result.value;
    const money = (x: number) => formatMoney(x, v.currency);
    lines.push(
      `value per ${v.per.toLocaleString('en-US')} decisions: ${money(v.chosen.value)} at threshold ${v.chosen.threshold}` +
        ` (best ${money(v.best.value)} at ${v.best.threshold}; ${v.baselines.map((b) => `${b.name} ${money(b.value)}`).join(', ')})`,
    );
  }
  if (result.automation) lines.push(`automation: ${summarizeAutomation(result.automation)}`);
  if (result.ranking) lines.push(...summarizeRanking(result.ranking));
  const anomalies = result.prepared.anomalies;
  if (anomalies.length > 0)
    lines.push(
      `validation: ${anomalies.length} anomalies (${anomalies.filter((a) => a.severity === 'error').length} errors): ${anomalies
        .slice(0, 3)
        .map((a) => a.message)
        .join('; ')}${anomalies.length > 3 ? '; …' : ''}`,
    );
  for (const g of result.gates.results)
    lines.push(
      `gate ${g.metric} ${g.op} ${g.threshold}: ${g.passed ? 'passed' : 'FAILED'} (${round(g.actual)})`,
    );
  if (result.production)
    lines.push(
      `production v${result.production.version}: ${result.production.metric} ${round(result.production.production)} (this model ${round(result.production.candidate)})`,
    );
  if (result.registered) {
    const r = result.registered;
    lines.push(`registered ${r.name} v${r.version} as ${r.stage}${result.promoted ? ' (promoted)' : ''}`);
  }
  if (result.prepared.rows.quarantined > 0 && result.quarantinePath)
    lines.push(`quarantined ${result.prepared.rows.quarantined} rows: ${here(result.quarantinePath)}`);
  lines.push(`artifact: ${here(result.artifactPath)}`);
  if (result.reportPath) lines.push(`report: ${here(result.reportPath)}`);
  for (const note of result.notes) lines.push(note);
  if (result.registered) lines.push(`next: ${result.next[0]}`);
  return lines;
}
