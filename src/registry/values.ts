import { RegistryError, registryMessages } from './errors.js';

// JSON has no NaN or Infinity, and a diverged loss is exactly what a run history must keep,
// so non-finite metrics travel as the strings 'NaN', 'Infinity' and '-Infinity'.
const nonFinite = new Set(['NaN', 'Infinity', '-Infinity']);

/** Metrics as stored TEXT; every value must be a number. */
export function encodeMetrics(what: string, metrics: Record<string, number>): string {
  for (const [name, value] of Object.entries(metrics)) {
    if (typeof value !== 'number')
      throw new RegistryError(registryMessages.notNumber(`${what} '${name}'`, value));
  }
  return JSON.stringify(metrics, (_key, value) =>
    typeof value === 'number' && !Number.isFinite(value) ? String(value) : value,
  );
}

export function decodeMetrics(text: string): Record<string, number> {
  return JSON.parse(text, (_key, value) =>
    typeof value === 'string' && nonFinite.has(value) ? Number(value) : value,
  );
}

export function encodeJson(what: string, value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch (error) {
    throw new RegistryError(registryMessages.notJson(what, (error as Error).message), { cause: error });
  }
}

export function checkText(what: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '')
    throw new RegistryError(registryMessages.emptyText(what));
  return value;
}

export function checkSeconds(what: string, seconds: number): number {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) {
    throw new RegistryError(registryMessages.notSeconds(what, seconds));
  }
  return seconds;
}

export const now = (): string => new Date().toISOString();
