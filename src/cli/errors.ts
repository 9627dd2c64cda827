import { DeeplineError } from '../tensor/errors.js';

/** A command-line mistake the user can fix (a missing file, a bad flag value). */
export class UsageError extends DeeplineError {
  override name = 'UsageError';
}

/** The outcome was clear but not success: a gate failed, a run was not registered. */
export class OutcomeError extends DeeplineError {
  override name = 'OutcomeError';
}

/** One line for the terminal: our errors say what and where already; others get their class name. */
export function formatError(e: unknown): string {
  if (process.env.DEEPLINE_DEBUG && e instanceof Error && e.stack) return `deepline: ${e.stack}`;
  if (e instanceof DeeplineError) return `deepline: ${e.message}`;
  if (e instanceof Error) {
    const code = (e as NodeJS.ErrnoException).code;
    return `deepline: ${e.message}${code && !e.message.includes(code) ? ` (${code})` : ''}`;
  }
  return `deepline: ${String(e)}`;
}

/** 3 for a gate that failed, so CI can tell "the model is not good enough" from "it broke" (1). */
export function exitCodeOf(e: unknown): number {
  return e instanceof OutcomeError ? 3 : 1;
}
