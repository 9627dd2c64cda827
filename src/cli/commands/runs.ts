import { Command } from 'commander';
import type { RunRecord, RunStatus } from '../../registry/index.js';
import { UsageError } from '../errors.js';
import { homeOption, positiveInteger } from '../options.js';
import { withRegistry } from '../registry-access.js';
import { formatCell, formatTable, shortTime } from '../table.js';

interface Flags {
  home?: string;
  name?: string;
  status?: string;
  limit?: number;
  json?: boolean;
}

const statuses: readonly RunStatus[] = ['running', 'finished', 'failed'];

export function runsCommand(): Command {
  const runs = new Command('runs').description('the tracked runs: list, show, compare');
  runs
    .command('list')
    .description('runs, newest first')
    .option('--name <pipeline>', 'only runs of this pipeline')
    .option('--status <status>', `only runs with this status (${statuses.join(', ')})`)
    .option('--limit <n>', 'at most this many', positiveInteger, 20)
    .option(...homeOption)
    .option('--json', 'print JSON')
    .action((flags: Flags) => {
      if (flags.status !== undefined && !statuses.includes(flags.status as RunStatus))
        throw new UsageError(`--status: '${flags.status}' is not one of ${statuses.join(', ')}`);
      const list = withRegistry(flags.home, (r) =>
        r.listRuns({
          ...(flags.name && { name: flags.name }),
          ...(flags.status && { status: flags.status as RunStatus }),
          limit: flags.limit ?? 20,
        }),
      );
      if (flags.json) return void console.log(JSON.stringify(list, null, 2));
      if (list.length === 0)
        return void console.log('no runs yet: start one with `deepline run <pipeline.yaml>`');
      console.log(
        formatTable(
          ['RUN', 'PIPELINE', 'STATUS', 'STARTED', 'SECONDS', 'METRICS'],
          list.map((run) => [
            run.id,
            run.name,
            run.status,
            shortTime(run.startedAt),
            formatCell(totalSeconds(run)),
            Object.entries(run.metrics)
              .slice(0, 4)
              .map(([k, v]) => `${k}=${formatCell(v)}`)
              .join(' '),
          ]),
        ),
      );
    });
  runs
    .command('show')
    .description('one run: parameters, durations, per-epoch metrics, final metrics, artifact')
    .argument('<run>', 'a run id (or a unique prefix of one)')
    .option(...homeOption)
    .option('--json', 'print JSON')
    .action((id: string, flags: Flags) => {
      const { run, epochs } = withRegistry(flags.home, (r) => {
        const run = r.getRun(id);
        return { run, epochs: r.epochs(run.id) };
      });
      if (flags.json) return void console.log(JSON.stringify({ ...run, epochs }, null, 2));
      const lines = [
        `run ${run.id}: ${run.name}, ${run.status}`,
        `started ${shortTime(run.startedAt)}, ended ${shortTime(run.endedAt) || '—'}`,
        `pipeline ${run.pipelinePath ?? '—'}`,
        `data ${run.dataFingerprint ?? '—'}`,
        `artifact ${run.artifactPath ?? '—'}`,
      ];
      if (run.error) lines.push(`error: ${run.error}`);
      lines.push(
        '',
        'parameters',
        ...Object.entries(run.params).map(([k, v]) => `  ${k}: ${JSON.stringify(v)}`),
      );
      lines.push(
        '',
        'durations',
        ...Object.entries(run.durations).map(([k, v]) => `  ${k}: ${v.toFixed(1)} s`),
      );
      if (epochs.length > 0) {
        const keys = Object.keys(epochs.at(-1)!.metrics);
        lines.push(
          '',
          formatTable(
            ['EPOCH', ...keys.map((k) => k.toUpperCase()), 'SECONDS'],
            epochs.map((e) => [
              String(e.epoch),
              ...keys.map((k) => formatCell(e.metrics[k])),
              e.seconds.toFixed(1),
            ]),
          ),
        );
      }
      lines.push('', 'metrics', ...Object.entries(run.metrics).map(([k, v]) => `  ${k}: ${formatCell(v)}`));
      console.log(lines.join('\n'));
    });
  runs
    .command('compare')
    .description('runs side by side: parameters and final metrics, differences marked')
    .argument('<runs...>', 'two or more run ids (or unique prefixes)')
    .option(...homeOption)
    .action((ids: string[], flags: Flags) => {
      if (ids.length < 2) throw new UsageError('runs compare: name at least two runs');
      const list = withRegistry(flags.home, (r) => ids.map((id) => r.getRun(id)));
      console.log(compareTable(list));
    });
  return runs;
}

function totalSeconds(run: RunRecord): number | undefined {
  const values = Object.values(run.durations);
  return values.length ? values.reduce((a, b) => a + b, 0) : undefined;
}

function compareTable(list: readonly RunRecord[]): string {
  const rows: string[][] = [];
  const add = (section: string, pick: (r: RunRecord) => Record<string, unknown>) => {
    const keys = [...new Set(list.flatMap((r) => Object.keys(pick(r))))];
    for (const k of keys) {
      const cells = list.map((r) => {
        const v = pick(r)[k];
        return typeof v === 'number' ? formatCell(v) : v === undefined ? '—' : String(v);
      });
      const differs = new Set(cells).size > 1;
      rows.push([`${differs ? '*' : ' '} ${section}.${k}`, ...cells]);
    }
  };
  add('param', (r) => r.params);
  add('metric', (r) => r.metrics);
  add('seconds', (r) => r.durations);
  return formatTable(['', ...list.map((r) => `${r.id} (${r.name})`)], rows);
}
