import path from 'node:path';

/** The registry folder: `DEEPLINE_HOME` (relative to `cwd` if relative), else `<cwd>/.deepline`. */
export function registryHome(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): string {
  const home = env.DEEPLINE_HOME?.trim();
  return path.resolve(cwd, home ? home : '.deepline');
}
