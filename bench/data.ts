// npm run bench:data [-- --rows N]
//
// Reads, profiles, cleans and transforms a generated CSV (1,000,000 rows × 10 columns by default)
// in streamed chunks, then gives DuckDB's read_csv + SUMMARIZE the same file in the same run.
// Prints rows/s and peak RSS, and as its last line one JSON object.
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import {
  type CleaningPlan,
  type FittedFeatures,
  featurePipeline,
  fitCleaning,
  Profiler,
  Quarantine,
  readCsvChunks,
  setSeed,
  type Table,
} from '../src/index.js';
import { machine } from './timing.js';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '1000000' } } });
const rows = Number(values.rows);

/** A plausible business table with some dirt: blanks, a sentinel, text in a number column. */
async function generate(path: string): Promise<void> {
  setSeed(1);
  const out = createWriteStream(path);
  const regions = ['north', 'south', 'east', 'west', 'central'];
  const plans = ['basic', 'plus', 'pro', 'enterprise'];
  let state = 12345;
  const rand = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  out.write('id,signup_date,region,plan,age,monthly_spend,visits,satisfaction,is_active,churned\n');
  for (let i = 0; i < rows; i++) {
    const day = new Date(Date.UTC(2020, 0, 1) + Math.floor(rand() * 1400) * 86_400_000)
      .toISOString()
      .slice(0, 10);
    const spend = rand() < 0.01 ? '' : (20 + rand() * 200).toFixed(2);
    const age = rand() < 0.001 ? 'unknown' : String(18 + Math.floor(rand() * 60));
    const satisfaction = rand() < 0.005 ? '999' : String(1 + Math.floor(rand() * 5));
    const line = `${i},${day},${regions[Math.floor(rand() * 5)]},${plans[Math.floor(rand() * 4)]},${age},${spend},${Math.floor(rand() * 40)},${satisfaction},${rand() < 0.7 ? 'yes' : 'no'},${rand() < 0.2 ? 1 : 0}\n`;
    if (!out.write(line)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve, reject) =>
    out.end((error?: Error | null) => (error ? reject(error) : resolve())),
  );
}

const steps = [
  {
    step: 'coerce' as const,
    columns: {
      age: 'integer' as const,
      monthly_spend: 'number' as const,
      visits: 'integer' as const,
      satisfaction: 'integer' as const,
      is_active: 'boolean' as const,
      signup_date: 'datetime' as const,
    },
    missing: { satisfaction: ['999'] },
  },
  { step: 'impute' as const, columns: ['monthly_spend', 'satisfaction'], strategy: 'median' as const },
  { step: 'outliers' as const, columns: ['monthly_spend'], method: 'iqr' as const, action: 'clip' as const },
  { step: 'dropColumns' as const, columns: ['id'] },
];

type Stage = 'read' | 'profile' | 'clean' | 'transform';

async function deepline(
  path: string,
): Promise<{ seconds: number; kept: number; quarantined: number; stages: Record<Stage, number> }> {
  const start = performance.now();
  const stages: Record<Stage, number> = { read: 0, profile: 0, clean: 0, transform: 0 };
  const timed = <T>(stage: Stage, run: () => T): T => {
    const begin = performance.now();
    const out = run();
    stages[stage] += (performance.now() - begin) / 1000;
    return out;
  };
  const profiler = new Profiler();
  const quarantine = new Quarantine();
  let plan: CleaningPlan | null = null;
  let features: FittedFeatures | null = null;
  let kept = 0;
  const chunks = readCsvChunks(path, { quarantine });
  for (;;) {
    const begin = performance.now();
    const next = await chunks.next();
    stages.read += (performance.now() - begin) / 1000;
    if (next.done) break;
    const chunk = next.value;
    timed('profile', () => profiler.add(chunk));
    // Fitted on the first chunk (a 50,000-row sample), applied to every chunk: memory stays flat.
    const { table } = timed('clean', () => {
      plan ??= fitCleaning(chunk, steps);
      return plan.apply(chunk, { quarantine });
    });
    timed('transform', () => transform(table));
    kept += table.numRows;
  }
  timed('profile', () => profiler.finish());
  return { seconds: (performance.now() - start) / 1000, kept, quarantined: quarantine.size, stages };

  function transform(table: Table): void {
    features ??= featurePipeline({
      columns: {
        signup_date: { kind: 'date', parts: ['year', 'month'], cyclical: ['month'] },
        region: { kind: 'oneHot' },
        plan: { kind: 'oneHot' },
        age: { kind: 'standard' },
        monthly_spend: { kind: 'robust' },
        visits: { kind: 'log' },
        satisfaction: { kind: 'minMax' },
        is_active: { kind: 'oneHot' },
      },
      label: { column: 'churned', kind: 'binary' },
    }).fit(table);
    features.transform(table);
  }
}

async function duckdb(path: string): Promise<number> {
  const start = performance.now();
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  await connection.runAndReadAll(`SUMMARIZE SELECT * FROM read_csv('${path}')`);
  connection.closeSync();
  return (performance.now() - start) / 1000;
}

const dir = await mkdtemp(join(tmpdir(), 'deepline-bench-data-'));
const file = join(dir, 'customers.csv');
await generate(file);
const megabytes = (await stat(file)).size / 2 ** 20;
const ours = await deepline(file);
const peakRssMB = process.resourceUsage().maxRSS / 1024;
const duckdbSeconds = await duckdb(file);
await rm(dir, { recursive: true });

console.log(
  `Machine: ${machine()}; ${rows.toLocaleString('en-US')} rows × 10 columns, ${megabytes.toFixed(0)} MB of CSV`,
);
console.log('| system | seconds | rows/s |');
console.log('| --- | --- | --- |');
console.log(
  `| Deepline: read + profile + clean + transform, streamed | ${ours.seconds.toFixed(2)} | ${Math.round(rows / ours.seconds).toLocaleString('en-US')} |`,
);
console.log(
  `| DuckDB: read_csv + SUMMARIZE | ${duckdbSeconds.toFixed(2)} | ${Math.round(rows / duckdbSeconds).toLocaleString('en-US')} |`,
);
console.log(
  `Deepline by stage (s): ${Object.entries(ours.stages)
    .map(([stage, seconds]) => `${stage} ${seconds.toFixed(2)}`)
    .join(', ')}`,
);
console.log(
  `Deepline ÷ DuckDB time: ${(ours.seconds / duckdbSeconds).toFixed(2)}×; peak RSS (Deepline's part) ${peakRssMB.toFixed(0)} MB; rows kept ${ours.kept}, quarantined ${ours.quarantined}`,
);
console.log(
  JSON.stringify({
    rows,
    deeplineSeconds: Number(ours.seconds.toFixed(2)),
    duckdbSeconds: Number(duckdbSeconds.toFixed(2)),
    peakRssMB: Math.round(peakRssMB),
  }),
);
