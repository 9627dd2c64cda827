import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type Artifact, loadArtifact } from '../pipeline/artifact.js';
import { openRegistry } from '../registry/index.js';
import { UsageError } from './errors.js';

/**
 * A model named on the command line: an artifact folder (holding model.json), or a registry
 * reference — `churn` (production, else the latest), `churn:3`, `churn@candidate`.
 */
export async function openModel(ref: string, home?: string): Promise<{ artifact: Artifact; label: string }> {
  if (existsSync(join(ref, 'model.json'))) return { artifact: await loadArtifact(ref), label: ref };
  // A path, not a name: say what is missing there rather than that no such model is registered.
  if (/[/\\]/.test(ref) || ref.startsWith('.'))
    throw new UsageError(
      `${ref}: no model.json there; name an artifact folder or a registered model (NAME, NAME:VERSION, NAME@STAGE)`,
    );
  const registry = openRegistry(home);
  try {
    const version = registry.resolve(ref);
    return {
      artifact: await loadArtifact(version.path),
      label: `${version.name} v${version.version} (${version.stage})`,
    };
  } finally {
    registry.close();
  }
}
