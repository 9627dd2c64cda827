import type { ColumnProfile } from '../data/profile.js';
import type { ImageProfile } from '../pipeline/prepare.js';
import type { RunResult } from '../pipeline/run.js';
import { writeReport } from './index.js';
import type { ColumnSummary, ReportData } from './report-data.js';

/** The report of a pipeline run, written where the run asks (`deepline run` passes this to the runner). */
export async function writeRunReport(result: RunResult, path: string): Promise<void> {
  await writeReport(path, runReportData(result));
}

export function runReportData(result: RunResult): ReportData {
  const { run, prepared, evaluation } = result;
  return {
    title: `${result.config.name} — run ${run.id}`,
    generatedAt: new Date().toISOString(),
    run: {
      id: run.id,
      name: run.name,
      status: run.status,
      startedAt: run.startedAt,
      durations: run.durations,
      params: run.params,
    },
    data: {
      source: result.source,
      rows: prepared.rows,
      cleaning: prepared.steps,
      ...(prepared.profile && { profile: prepared.profile.columns.map(columnSummary) }),
      ...(prepared.imageProfile && { profile: imageColumns(prepared.imageProfile) }),
      ...(prepared.anomalies.length > 0 && { anomalies: prepared.anomalies }),
      split: prepared.split,
    },
    ...(result.epochs.length > 0 && { training: { epochs: result.epochs } }),
    ...(result.variants && { variants: result.variants }),
    evaluation: {
      ...evaluation,
      ...(result.misclassified.length > 0 && {
        misclassified: result.misclassified.map((m) => ({ ...m, scale: 1 as const })),
      }),
    },
    ...(result.ranking && { ranking: result.ranking }),
    ...(result.value && { value: result.value }),
    ...(result.automation && { automation: result.automation }),
    ...(result.gates.results.length > 0 && { gates: result.gates.results }),
    ...(result.registered && {
      registry: {
        model: result.registered.name,
        version: result.registered.version,
        stage: result.registered.stage,
        ...(result.production && {
          comparedWith: {
            version: result.production.version,
            metric: result.production.metric,
            candidate: result.production.candidate,
            production: result.production.production,
          },
        }),
      },
    }),
    next: result.next,
  };
}

/** Images profiled as two columns: the label's class balance and the pixels' distribution. */
function imageColumns(p: ImageProfile): ColumnSummary[] {
  return [
    { name: 'label', type: 'category', missing: 0, distinct: p.classes.length, top: p.classes },
    { name: 'pixel', type: 'number', missing: 0, ...p.pixels },
  ];
}

function columnSummary(c: ColumnProfile): ColumnSummary {
  const numeric = c.numeric;
  const histogram = numeric?.histogram;
  const width = histogram ? (histogram.max - histogram.min) / Math.max(1, histogram.counts.length) : 0;
  return {
    name: c.name,
    type: c.type,
    missing: c.missing,
    distinct: c.distinct,
    ...(numeric && { min: numeric.min, max: numeric.max, mean: numeric.mean }),
    ...(c.top && { top: c.top.slice(0, 5) }),
    ...(histogram && {
      histogram: histogram.counts.map((count, i) => ({
        start: histogram.min + i * width,
        end: histogram.min + (i + 1) * width,
        count,
      })),
    }),
  };
}
