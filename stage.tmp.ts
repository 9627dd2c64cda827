import { readCsvChunks, Profiler, fitCleaning, featurePipeline, Quarantine } from './src/index.js';
const file = process.argv[2];
let t = performance.now(); const chunks = []; for await (const c of readCsvChunks(file)) chunks.push(c);
console.log('read', ((performance.now() - t) / 1000).toFixed(2));
t = performance.now(); const p = new Profiler(); for (const c of chunks) p.add(c); p.finish(); console.log('profile', ((performance.now() - t) / 1000).toFixed(2));
const steps: any = [{ step: 'coerce', columns: { age: 'integer', monthly_spend: 'number', visits: 'integer', satisfaction: 'integer', is_active: 'boolean', signup_date: 'datetime' }, missing: { satisfaction: ['999'] } },
  { step: 'impute', columns: ['monthly_spend', 'satisfaction'], strategy: 'median' }, { step: 'outliers', columns: ['monthly_spend'], method: 'iqr', action: 'clip' }, { step: 'dropColumns', columns: ['id'] }];
t = performance.now(); const plan = fitCleaning(chunks[0], steps); const cleaned = chunks.map((c) => plan.apply(c, { quarantine: new Quarantine() }).table); console.log('clean', ((performance.now() - t) / 1000).toFixed(2));
t = performance.now(); const f = featurePipeline({ columns: { signup_date: { kind: 'date', parts: ['year', 'month'], cyclical: ['month'] }, region: { kind: 'oneHot' }, plan: { kind: 'oneHot' }, age: { kind: 'standard' }, monthly_spend: { kind: 'robust' }, visits: { kind: 'log' }, satisfaction: { kind: 'minMax' }, is_active: { kind: 'oneHot' } }, label: { column: 'churned', kind: 'binary' } } as any).fit(cleaned[0]);
for (const c of cleaned) f.transform(c); console.log('transform', ((performance.now() - t) / 1000).toFixed(2));
