import { openRegistry, type Registry } from '../registry/index.js';

/** The --home option every command that reads the registry takes. */
export const homeOption = [
  '--home <dir>',
  'the registry folder (default: $DEEPLINE_HOME or ./.deepline)',
] as const;

/** Opens the registry for one command and closes it even when the command fails. */
export function withRegistry<T>(home: string | undefined, f: (r: Registry) => T): T {
  const registry = openRegistry(home);
  try {
    return f(registry);
  } finally {
    registry.close();
  }
}
