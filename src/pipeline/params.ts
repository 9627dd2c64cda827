import type { PipelineConfig } from './config.js';

export type Param = string | number | boolean;

/**
 * The pipeline's settings as dotted keys (`train.epochs`, `clean[0].step`), so that `runs
 * compare` shows exactly which setting two runs differ in.
 */
export function flattenParams(config: PipelineConfig): Record<string, Param> {
  const out: Record<string, Param> = {};
  const walk = (value: unknown, key: string): void => {
    if (value === undefined || value === null) return;
    if (Array.isArray(value)) {
      if (value.every((v) => typeof v !== 'object')) out[key] = value.join(', ');
      else
        value.forEach((v, i) => {
          walk(v, `${key}[${i}]`);
        });
    } else if (typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) walk(v, key ? `${key}.${k}` : k);
    } else {
      out[key] = value as Param;
    }
  };
  const { name: _name, description: _description, ...settings } = config;
  walk(settings, '');
  // With a test file, split.test is the schema's default, not a setting the run used.
  if (config.data.test !== undefined) delete out['data.split.test'];
  return out;
}
