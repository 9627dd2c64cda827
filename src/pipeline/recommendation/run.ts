import { mkdir, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Registry, RunRecord } from '../../registry/index.js';
import { setSeed } from '../../tensor/random.js';
import type { Logs } from '../../train/callback.js';
import { deeplineVersion, writeArtifact } from '../artifact.js';
import { type PipelineConfig, PipelineConfigError } from '../config.js';
import { checkGates, toGate } from '../gates.js';
import { compare, type Production } from '../production.js';
import { nextCommands, registerAndPromote } from '../promotion.js';
import type { RunOptions, RunResult } from '../run.js';
import type { Source } from '../source.js';
import type { EpochLog, StatusUpdate } from '../training.js';
import {
  evaluateRanking,
  liftMetricNames,
  type Ranking,
  rankingMetricNames,
  sampleCandidates,
  TOP_K,
} from './evaluate.js';
import { recommenderMetadata } from './metadata.js';
import {
  matrixFactorisation,
  modelScorer,
  neuralCollaborativeFiltering,
  popularityScorer,
  type Scorer,
} from './models.js';
import { preparePurchases } from './prepare.js';
import type { Interactions } from './split.js';
import { type TrainedEpochs, trainRanker } from './train.js';
import { type RevenueReport, revenueOfLists, revenueReport } from './value.js';

/** The three models of a recommendation run, ranked on the same test lists. */
export interface RankingResult {
  models: { name: string; about: string; metrics: Ranking['metrics'] }[];
  /** The model registered and served: the neural one. */
  chosen: string;
  revenue: RevenueReport;
  counts: Interactions['counts'] & { customers: number; products: number; testDays: number };
}

/** What the pipeline runner lends a recommendation run: its run record, stages and registry. */
export interface RecommendationRun {
  config: PipelineConfig;
  path: string;
  registry: Registry;
  run: RunRecord;
  options: RunOptions;
  production: Production | undefined;
  stage<T>(key: string, title: string, work: (update: StatusUpdate) => Promise<T> | T): Promise<T>;
}

const PER_CUSTOMERS = 1000;
const NEURAL = 'neural collaborative filtering';
const BASELINE = 'popularity';

/**
 * `deepline run` for data.task recommendation: clean → split in time → popularity, matrix
 * factorisation and NCF → HR@10, NDCG@10 (100 sampled negatives) and recall@10 → revenue →
 * gates → register and promote the NCF model → report.
 */
export async function runRecommendation(source: Source, ctx: RecommendationRun): Promise<RunResult> {
  const { config, registry, path } = ctx;
  if (source.kind !== 'table')
    throw new PipelineConfigError(
      `${path}: data.source: a recommendation reads a table of purchases, not images`,
    );
  const spec = config.data.interactions!;
  const runId = ctx.run.id;
  const runDir = join(registry.home, 'runs', runId);
  const gates = config.evaluate.gates.map((g, i) => {
    const gate = toGate(g);
    const known: readonly string[] = [...rankingMetricNames, ...liftMetricNames];
    if (!known.includes(gate.metric))
      throw new PipelineConfigError(
        `${path}: evaluate.gates[${i}]: a recommender reports no '${gate.metric}'; it reports ${known.join(', ')}`,
      );
    return gate;
  });
  const metric = config.evaluate.compare ?? 'ndcg_at_10';
  if (!(rankingMetricNames as readonly string[]).includes(metric))
    throw new PipelineConfigError(
      `${path}: evaluate.compare: a recommender reports no '${metric}'; it reports ${rankingMetricNames.join(', ')}`,
    );

  const { data, prepared, quarantine } = await ctx.stage(
    'prepare',
    'Clean, split in time and index the purchases',
    (update) => {
      const result = preparePurchases(source.table, config, update);
      const c = result.data.counts;
      update(
        `${c.train.toLocaleString('en-US')} training pairs, ${c.test.toLocaleString('en-US')} test pairs of ${c.testCustomers.toLocaleString('en-US')} customers`,
      );
      return result;
    },
  );
  let quarantinePath: string | undefined;
  if (quarantine.size > 0) {
    quarantinePath = join(runDir, 'quarantine.csv');
    await mkdir(runDir, { recursive: true });
    await quarantine.write(quarantinePath);
  }

  const shape = {
    user: spec.user,
    item: spec.item,
    users: data.features.inputDims[spec.user],
    items: data.features.inputDims[spec.item],
  };
  const modelSpec = config.model as Extract<PipelineConfig['model'], { preset: string }>;
  const trained = await ctx.stage(
    'train',
    `Train matrix factorisation and NCF (${config.train.epochs} epochs each)`,
    async (update) => {
      setSeed(config.train.seed);
      const mf = matrixFactorisation(shape, {
        factors: modelSpec.embeddingDim ?? 32,
        ...(modelSpec.l2 && { l2: modelSpec.l2 }),
      });
      const mfLogs = await trainRanker(mf, data, {
        config,
        negatives: spec.negatives,
        label: 'MF',
        update,
      });
      setSeed(config.train.seed);
      const ncf = neuralCollaborativeFiltering(modelSpec, shape, config.name.replace(/[^A-Za-z0-9_]/g, '_'));
      const ncfLogs = await trainRanker(ncf, data, {
        config,
        negatives: spec.negatives,
        label: 'NCF',
        update,
      });
      return { mf, ncf, ...epochLogs(ncfLogs, mfLogs) };
    },
  );
  trained.epochs.forEach((e, i) => {
    registry.logEpoch(runId, e.epoch, e.metrics, trained.seconds[i]);
  });

  const { ranking, candidates } = await ctx.stage('evaluate', 'Rank the test purchases', (update) => {
    const candidates = sampleCandidates(data, config.data.split.seed);
    const scorers: [string, string, Scorer][] = [
      [
        BASELINE,
        'every customer is offered the products most customers bought',
        popularityScorer(data.train, shape.items),
      ],
      ['matrix factorisation', 'dot product of customer and product vectors', modelScorer(trained.mf)],
      [NEURAL, 'customer and product embeddings → MLP', modelScorer(trained.ncf)],
    ];
    const results = scorers.map(([name, about, score]) => {
      update(`${name}: ${candidates.lists.toLocaleString('en-US')} test purchases`);
      return { name, about, ranked: evaluateRanking(score, data, candidates) };
    });
    const revenue = revenueReport(
      results.map((r) => revenueOfLists(r.name, r.ranked.lists, data, PER_CUSTOMERS)),
      {
        chosen: NEURAL,
        baseline: BASELINE,
        currency: spec.currency,
        per: PER_CUSTOMERS,
        top: TOP_K,
        testDays: spec.testDays,
      },
    );
    const ranking: RankingResult = {
      models: results.map((r) => ({ name: r.name, about: r.about, metrics: r.ranked.metrics })),
      chosen: NEURAL,
      revenue,
      counts: {
        ...data.counts,
        customers: data.users.length,
        products: data.catalogue.length,
        testDays: spec.testDays,
      },
    };
    return { ranking, candidates };
  });
  const neural = ranking.models.find((m) => m.name === NEURAL)!.metrics;
  const popular = ranking.models.find((m) => m.name === BASELINE)!.metrics;
  const metrics: Record<string, number> = {
    ...neural,
    hr_at_10_over_popularity: neural.hr_at_10 - popular.hr_at_10,
    ndcg_at_10_over_popularity: neural.ndcg_at_10 - popular.ndcg_at_10,
  };

  const artifactPath = join(runDir, 'artifact');
  await writeArtifact(trained.ncf, artifactPath, {
    deepline: deeplineVersion,
    pipeline: config.name,
    runId,
    task: 'binary',
    classes: prepared.classes,
    input: { kind: 'table', label: 'bought', columns: [spec.user, spec.item] },
    features: data.features.toJSON(),
    recommender: recommenderMetadata(data, spec),
    metrics,
    dataFingerprint: source.fingerprint,
    trainedAt: new Date().toISOString(),
  });
  registry.setArtifact(runId, artifactPath);

  const result: Omit<RunResult, 'run'> = {
    config,
    source: source.source,
    prepared,
    epochs: trained.epochs,
    evaluation: { task: 'binary', metrics },
    ranking,
    gates: ctx.options.trainOnly ? { passed: true, results: [] } : checkGates(gates, metrics),
    notes: [],
    promoted: false,
    artifactPath,
    ...(quarantinePath && { quarantinePath }),
    misclassified: [],
    next: [],
  };
  if (!ctx.options.trainOnly)
    await ctx.stage('register', 'Compare, register and promote', () =>
      register(ctx, result, metric, () => productionRanking(ctx.production!, data, candidates)),
    );
  result.next = nextCommands(result, runId, false);
  let run = registry.finishRun(runId, { status: 'finished', metrics });
  if (ctx.options.report && !ctx.options.trainOnly) {
    const reportPath = config.output.report
      ? resolve(dirname(path), config.output.report)
      : join(registry.home, 'reports', `${config.name}-${runId}.html`);
    await ctx.stage('report', 'Write the report', () =>
      ctx.options.report!({ ...result, run, reportPath }, reportPath),
    );
    result.reportPath = reportPath;
    run = registry.getRun(runId);
  }
  await rm(join(registry.home, 'checkpoints', runId), { recursive: true, force: true });
  return { ...result, run };
}

/**
 * Each epoch's NCF logs, with matrix factorisation's beside them as mf_loss and mf_val_loss; an
 * epoch's seconds are both models' together.
 */
function epochLogs(ncf: TrainedEpochs, mf: TrainedEpochs): { epochs: EpochLog[]; seconds: number[] } {
  const numbers = (logs: Logs | undefined, prefix: string) =>
    Object.fromEntries(
      Object.entries(logs ?? {})
        .filter(([, v]) => typeof v === 'number')
        .map(([k, v]) => [`${prefix}${k}`, v as number]),
    );
  const count = Math.max(ncf.logs.length, mf.logs.length);
  return {
    epochs: Array.from({ length: count }, (_, i) => ({
      epoch: i + 1,
      metrics: { ...numbers(ncf.logs[i], ''), ...numbers(mf.logs[i], 'mf_') },
    })),
    seconds: Array.from({ length: count }, (_, i) => (ncf.seconds[i] ?? 0) + (mf.seconds[i] ?? 0)),
  };
}

/**
 * The production recommender ranked on this run's test lists: its own indices for these
 * customers and products (0, its unknown bucket, for ones it never saw).
 */
function productionRanking(
  production: Production,
  data: Interactions,
  candidates: ReturnType<typeof sampleCandidates>,
): { ok: true; metrics: Record<string, number> } | { ok: false; reason: string } {
  const theirs = production.artifact.meta.recommender;
  if (!theirs) return { ok: false, reason: 'it is not a recommender' };
  const users = new Map(theirs.users.map((id, i) => [id, i + 1]));
  const items = new Map(theirs.catalogue.map((p, i) => [p.id, i + 1]));
  const model = modelScorer(production.artifact.model);
  const score: Scorer = (u, i) =>
    model(
      Int32Array.from(u, (x) => users.get(data.users[x - 1]) ?? 0),
      Int32Array.from(i, (x) => items.get(data.catalogue[x - 1].id) ?? 0),
    );
  try {
    return { ok: true, metrics: evaluateRanking(score, data, candidates).metrics };
  } catch (e) {
    return { ok: false, reason: (e as Error).message };
  }
}

/** As any pipeline: a candidate when the gates pass, promoted when it beats production on the same test lists. */
function register(
  ctx: RecommendationRun,
  result: Omit<RunResult, 'run'>,
  metric: string,
  scoreProduction: () => ReturnType<typeof productionRanking>,
): void {
  const { config, registry, production } = ctx;
  if (production) {
    const score = scoreProduction();
    if (score.ok)
      result.production = compare(
        production,
        { ok: true, metrics: score.metrics, scores: new Float32Array(0), labels: [] },
        metric,
        result.evaluation.metrics[metric],
      );
    else
      result.notes.push(
        `production v${production.version.version} could not rank the test purchases: ${score.reason}`,
      );
  }
  registerAndPromote(registry, config, result, production, ctx.run.id, metric);
}
