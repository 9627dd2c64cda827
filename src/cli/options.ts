import { InvalidArgumentError } from 'commander';

/** The --home option every command that reads the registry takes. */
export const homeOption = [
  '--home <dir>',
  'the registry folder (default: $DEEPLINE_HOME or ./.deepline)',
] as const;

export function positiveInteger(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1)
    throw new InvalidArgumentError(`expected a positive whole number, got '${text}'`);
  return n;
}
