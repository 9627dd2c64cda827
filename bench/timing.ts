import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';

/**
 * Median wall time in milliseconds of `repeats` runs of f, after warming up for at least three
 * runs and 300 ms (WebAssembly tiers up and the worker threads settle in that time).
 */
export function medianMs(f: () => void, repeats: number): number {
  const warmUntil = performance.now() + 300;
  for (let i = 0; i < 3 || performance.now() < warmUntil; i++) f();
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    f();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/** Runs this same script in a child process with DEEPLINE_THREADS set; returns its last line as JSON. */
export function inChild<T>(script: string, threads: number, args: string[] = []): T {
  const started = performance.now();
  const out = execFileSync(process.execPath, [...process.execArgv, script, '--child', ...args], {
    env: { ...process.env, DEEPLINE_THREADS: String(threads) },
    encoding: 'utf8',
    maxBuffer: 1 << 26,
    timeout: 600_000,
  });
  console.error(
    `(${args.join(' ')} with ${threads} threads: ${((performance.now() - started) / 1000).toFixed(1)} s)`,
  );
  return JSON.parse(out.trim().split('\n').at(-1)!) as T;
}

export function machine(): string {
  return `${cpus()[0].model}, ${cpus().length} cores, Node ${process.version}`;
}
