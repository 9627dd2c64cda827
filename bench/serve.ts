// npm run bench:serve [-- --seconds S --soak S]
//
// Single-image predictions of the seed's MNIST CNN through `deepline serve` (its own process, as
// in production), at concurrency 1, 16 and 64, with batching (wait 2 ms) and without, next to a
// bare Node HTTP server answering a constant (the HTTP floor), loaded by autocannon from this
// process on loopback. Then a soak at concurrency 32 with a promotion half-way: failed requests
// and the server's memory. The last line is one JSON object.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { loadMnist, openRegistry, runPipeline } from '../src/index.js';
import { machine } from './timing.js';

const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '8' }, soak: { type: 'string', default: '60' } },
});
const seconds = Number(values.seconds);
const soakSeconds = Number(values.soak);
const root = new URL('../', import.meta.url);
const tsx = new URL('node_modules/tsx/dist/loader.mjs', root).href;

interface Load {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
}

/** A process that prints the address it listens on; resolves with that address. */
function startProcess(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let err = '';
    child.stderr!.on('data', (d) => {
      err += d;
      const m = err.match(/(http:\/\/127\.0\.0\.1:\d+)/);
      if (m) resolve({ child, url: m[1] });
    });
    child.on('exit', (code) => reject(new Error(`exited with ${code} before listening:\n${err}`)));
  });
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.on('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

async function load(url: string, body: string, connections: number, duration: number): Promise<Load> {
  const result = await autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    connections,
    duration,
  });
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
  };
}

const floorScript = `
  const http = require('node:http');
  const answer = JSON.stringify({ predictions: [[0.1, 0.9]] });
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => { res.writeHead(200, { 'content-type': 'application/json' }); res.end(answer); });
  });
  server.listen(0, '127.0.0.1', () => process.stderr.write('http://127.0.0.1:' + server.address().port + '\\n'));
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;

async function registerDigits(home: string, dir: string): Promise<void> {
  const pipeline = join(dir, 'digits.yaml');
  await writeFile(
    pipeline,
    'name: digits\ndata: { source: mnist, limit: 3000 }\nmodel: { preset: cnn }\ntrain: { epochs: 1, batchSize: 128 }\n',
  );
  await runPipeline(pipeline, { home });
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'deepline-bench-serve-'));
  const home = join(dir, 'home');
  console.error(
    'training and registering the seed CNN (1 epoch on 3,000 digits: speed does not depend on accuracy)…',
  );
  await registerDigits(home, dir);
  const { test } = await loadMnist();
  const pixels = Array.from(test.images.values.slice(0, 784), (v) => [Number(v.toFixed(3))]);
  const image = Array.from({ length: 28 }, (_, r) => pixels.slice(r * 28, r * 28 + 28));
  const body = JSON.stringify({ instances: [image] });

  const levels = [1, 16, 64];
  const results: Record<string, Record<string, Load>> = { floor: {}, batched: {}, unbatched: {} };
  const floor = await startProcess(['-e', floorScript]);
  for (const c of levels) results.floor[c] = await load(`${floor.url}/`, body, c, seconds);
  await stop(floor.child);

  const cli = [
    '--import',
    tsx,
    new URL('src/cli/main.ts', root).pathname,
    'serve',
    '--home',
    home,
    '--port',
    '0',
  ];
  for (const [name, wait] of [
    ['batched', '2'],
    ['unbatched', '0'],
  ] as const) {
    const server = await startProcess([...cli, '--batch-wait-ms', wait]);
    const url = `${server.url}/v1/models/digits:predict`;
    await load(url, body, 16, 2); // warm up: the worker loads, WebAssembly tiers up
    for (const c of levels) results[name][c] = await load(url, body, c, seconds);
    await stop(server.child);
  }

  // Soak: a promotion half-way through must not fail a request; memory must stay flat.
  const server = await startProcess([...cli, '--reload-interval-ms', '500']);
  const url = `${server.url}/v1/models/digits:predict`;
  // The server process with its worker threads, as the operating system counts it.
  const rss = async () =>
    Number(execFileSync('ps', ['-o', 'rss=', '-p', String(server.child.pid)], { encoding: 'utf8' })) / 1024;
  await load(url, body, 32, 2);
  const rssBefore = await rss();
  const soak = load(url, body, 32, soakSeconds);
  await new Promise((r) => setTimeout(r, (soakSeconds * 1000) / 2));
  await registerDigits(home, dir);
  const registry = openRegistry(home);
  const latest = registry.versions('digits')[0].version;
  registry.promote('digits', latest, 'bench: promotion under load');
  registry.close();
  const soaked = await soak;
  const rssAfter = await rss();
  const served = await (await fetch(`${server.url}/v1/models/digits`)).json();
  await stop(server.child);
  await rm(dir, { recursive: true, force: true });

  console.log(`bench:serve — ${machine()}, ${new Date().toISOString().slice(0, 10)}`);
  console.log(
    `${seconds} s per point; body: one 28×28×1 image as TF Serving row-format JSON (${body.length} bytes)`,
  );
  console.log('concurrency  floor req/s  p50  p99 | batched req/s  p50  p99 | unbatched req/s  p50  p99');
  for (const c of levels) {
    const f = results.floor[c];
    const b = results.batched[c];
    const u = results.unbatched[c];
    console.log(
      `${String(c).padStart(11)}  ${f.requestsPerSecond.toFixed(0).padStart(11)} ${f.p50} ${f.p99} | ${b.requestsPerSecond.toFixed(0).padStart(13)} ${b.p50} ${b.p99} | ${u.requestsPerSecond.toFixed(0).padStart(15)} ${u.p50} ${u.p99}`,
    );
  }
  console.log(
    `soak ${soakSeconds} s at 32: ${soaked.requestsPerSecond.toFixed(0)} req/s, ${soaked.errors} failed, p99 ${soaked.p99} ms; RSS ${rssBefore.toFixed(0)} → ${rssAfter.toFixed(0)} MiB; serving ${JSON.stringify(served.model_version_status?.map((s: { version: string }) => s.version))} after promoting v${latest}`,
  );
  console.log(
    JSON.stringify({
      bench: 'serve',
      machine: machine(),
      ...results,
      soak: {
        ...soaked,
        seconds: soakSeconds,
        rssBeforeMiB: rssBefore,
        rssAfterMiB: rssAfter,
        promoted: latest,
      },
    }),
  );
}

await main();
