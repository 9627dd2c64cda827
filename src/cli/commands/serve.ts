import { Command } from 'commander';
import { serve } from '../../serve/server.js';
import { homeOption, positiveInteger } from '../options.js';

interface ServeFlags {
  model: string[];
  port: number;
  host: string;
  home?: string;
  maxBatchSize: number;
  batchWaitMs: number;
  reloadIntervalMs: number;
  requestTimeoutMs: number;
}

function count(text: string): number {
  return text === '0' ? 0 : positiveInteger(text);
}

export function serveCommand(): Command {
  return new Command('serve')
    .description(
      "serve registered models over HTTP with TensorFlow Serving's REST API, a page per model at /",
    )
    .option(
      '--model <ref>',
      'a model to serve: NAME (its production version), NAME:VERSION or NAME@STAGE; repeat for more (default: every production model)',
      (ref: string, all: string[]) => [...all, ref],
      [] as string[],
    )
    .option('--port <n>', 'the port (0: any free one)', count, 8501)
    .option(
      '--host <address>',
      'the address to bind; 0.0.0.0 exposes the server beyond this machine',
      '127.0.0.1',
    )
    .option(...homeOption)
    .option('--max-batch-size <n>', 'examples batched into one inference at most', positiveInteger, 64)
    .option(
      '--batch-wait-ms <n>',
      'how long a request waits for others to batch with (0: no batching)',
      count,
      2,
    )
    .option(
      '--reload-interval-ms <n>',
      'how often the registry is checked for promotions and rollbacks',
      positiveInteger,
      1000,
    )
    .option('--request-timeout-ms <n>', 'a request that takes longer gets 504', positiveInteger, 10_000)
    .action(async (flags: ServeFlags) => {
      const server = await serve({
        ...(flags.home !== undefined && { home: flags.home }),
        ...(flags.model.length > 0 && { models: flags.model }),
        host: flags.host,
        port: flags.port,
        maxBatchSize: flags.maxBatchSize,
        maxWaitMs: flags.batchWaitMs,
        reloadIntervalMs: flags.reloadIntervalMs,
        requestTimeoutMs: flags.requestTimeoutMs,
      });
      process.stderr.write(`serving at ${server.url} (Ctrl-C to stop)\n`);
      // In-flight requests finish before the process exits, as an orchestrator's SIGTERM expects.
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGTERM', stop);
          process.off('SIGINT', stop);
          server.close().then(resolve);
        };
        process.on('SIGTERM', stop);
        process.on('SIGINT', stop);
      });
    });
}
