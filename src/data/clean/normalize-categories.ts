import type { Value } from '../table.js';
import type { RawObject } from './config.js';
import { keyPath, readStringRecord, StepReader } from './config.js';
import { CleaningConfigError, cleaningMessages as msg } from './errors.js';
import { type DeclaredStep, requireColumns, StepLedger, stateless } from './step.js';

/**
 * Makes spellings of one category agree: trims, collapses runs of whitespace, changes case
 * (lower by default), then maps synonyms to a canonical name. `map` keys are normalised the same
 * way before matching, so `{ 'N.Y.': 'New York' }` also catches ' n.y. '; the canonical names are
 * used as written. Cells that are not strings are left alone.
 */
export interface NormalizeCategoriesStep {
  step: 'normalizeCategories';
  columns: string[];
  trim?: boolean;
  case?: 'lower' | 'upper' | 'keep';
  collapseWhitespace?: boolean;
  map?: Record<string, string>;
}

export function declareNormalizeCategories(
  raw: RawObject,
  path: string,
): DeclaredStep<NormalizeCategoriesStep> {
  const r = new StepReader(raw, path, 'normalizeCategories', [
    'columns',
    'trim',
    'case',
    'collapseWhitespace',
    'map',
  ]);
  const config: NormalizeCategoriesStep = {
    step: 'normalizeCategories',
    columns: r.columns('columns'),
    trim: r.boolean('trim', true),
    case: r.oneOf('case', ['lower', 'upper', 'keep'], 'lower'),
    collapseWhitespace: r.boolean('collapseWhitespace', true),
    ...(r.has('map')
      ? { map: readStringRecord(r.raw.map, r.at('map'), 'a record of synonym → category') }
      : {}),
  };
  const normalize = (text: string): string => {
    let s = config.trim ? text.trim() : text;
    if (config.collapseWhitespace) s = s.replace(/\s+/g, ' ');
    return config.case === 'lower' ? s.toLowerCase() : config.case === 'upper' ? s.toUpperCase() : s;
  };
  const synonyms = new Map<string, string>();
  for (const [synonym, canonical] of Object.entries(config.map ?? {})) {
    const key = normalize(synonym);
    const earlier = synonyms.get(key);
    if (earlier !== undefined && earlier !== canonical) {
      throw new CleaningConfigError(keyPath(r.at('map'), synonym), msg.mapClash(key, earlier, canonical));
    }
    synonyms.set(key, canonical);
  }

  return stateless(config, (table, context) => {
    requireColumns('normalizeCategories', table, config.columns);
    const ledger = new StepLedger('normalizeCategories', table, context);
    let out = table;
    for (const column of config.columns) {
      let changed = 0;
      const values = table.column(column).map((value): Value => {
        if (typeof value !== 'string') return value;
        const normal = normalize(value);
        const result = synonyms.get(normal) ?? normal;
        if (result !== value) changed++;
        return result;
      });
      ledger.changed(column, changed);
      out = out.withColumn(column, values);
    }
    return ledger.finish(out);
  });
}
