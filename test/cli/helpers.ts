import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const mainScript = new URL('../../src/cli/main.ts', import.meta.url).pathname;
// By URL: the commands run in temporary folders, where `--import tsx` would not resolve.
const tsx = new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url).href;

export interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `deepline …` as a user types it, in its own process, from `cwd`. */
export function start(args: readonly string[], cwd: string, env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, ['--import', tsx, mainScript, ...args], {
    cwd,
    env: { ...process.env, ...env, FORCE_COLOR: '0' },
  });
}

export function deepline(
  args: readonly string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<Result> {
  const child = start(args, cwd, env);
  return finished(child);
}

export function finished(child: ChildProcess): Promise<Result> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => {
    stdout += d;
  });
  child.stderr?.on('data', (d) => {
    stderr += d;
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'deepline-cli-'));
}

/** The address a `deepline serve` process says it listens on; rejects with its stderr if it exits first. */
export function listening(server: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let err = '';
    server.stderr!.on('data', (d) => {
      err += d;
      const m = err.match(/serving at (http:\/\/127\.0\.0\.1:\d+)/);
      if (m) resolve(m[1]);
    });
    server.on('exit', () => reject(new Error(err)));
  });
}

/** `deepline serve` on a free port from `dir`: its address, and a stop that sends SIGTERM and waits. */
export async function serving(dir: string, env: Record<string, string>) {
  const server = start(['serve', '--port', '0'], dir, env);
  const done = finished(server);
  const url = await listening(server);
  const stop = async () => {
    server.kill('SIGTERM');
    return done;
  };
  return { url, stop };
}
