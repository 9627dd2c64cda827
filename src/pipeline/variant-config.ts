import { FeaturePipeline, type FeatureSpec } from '../data/transform/pipeline.js';

/** What the pipeline's own sections are called beside its variants (in the report and the run's output). */
export const MAIN_VARIANT = 'main';

interface VariantFields {
  name: string;
  features?: unknown;
  model?: unknown;
  train?: unknown;
}

/**
 * The first problem of a `variants` list that the schema cannot see, with the key path it is
 * at: a reserved or repeated name, a variant that changes nothing, features that do not parse.
 */
export function variantProblem(
  variants: readonly VariantFields[],
): { path: (string | number)[]; message: string } | undefined {
  const seen = new Set<string>([MAIN_VARIANT]);
  for (const [i, v] of variants.entries()) {
    if (v.name === MAIN_VARIANT)
      return {
        path: ['variants', i, 'name'],
        message: `'${MAIN_VARIANT}' names the pipeline's own model; give the variant another name`,
      };
    if (seen.has(v.name))
      return { path: ['variants', i, 'name'], message: `'${v.name}' names an earlier variant too` };
    seen.add(v.name);
    if (v.features === undefined && v.model === undefined && v.train === undefined)
      return {
        path: ['variants', i],
        message: 'a variant replaces features, model or train (one at least); this one changes nothing',
      };
    if (v.features !== undefined && v.features !== 'auto') {
      try {
        new FeaturePipeline({ columns: v.features as FeatureSpec['columns'] });
      } catch (e) {
        return { path: ['variants', i, 'features'], message: (e as Error).message };
      }
    }
  }
  return undefined;
}
