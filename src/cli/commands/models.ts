import { Command } from 'commander';
import { UsageError } from '../errors.js';
import { homeOption } from '../options.js';
import { withRegistry } from '../registry-access.js';
import { formatCell, formatTable, shortTime } from '../table.js';

interface Flags {
  home?: string;
  reason?: string;
  json?: boolean;
}

function versionNumber(text: string): number {
  const n = Number(text.replace(/^v/, ''));
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`'${text}' is not a version number (1, 2, …)`);
  return n;
}

export function modelsCommand(): Command {
  const models = new Command('models').description('the model registry: list, promote, rollback, history');
  models
    .command('list')
    .description('registered models, or the versions of one')
    .argument('[name]', 'a model name: list its versions')
    .option(...homeOption)
    .option('--json', 'print JSON')
    .action((name: string | undefined, flags: Flags) => {
      withRegistry(flags.home, (r) => {
        if (name === undefined) {
          const list = r.listModels();
          if (flags.json) return void console.log(JSON.stringify(list, null, 2));
          if (list.length === 0)
            return void console.log('no models yet: `deepline run <pipeline.yaml>` registers one');
          console.log(
            formatTable(
              ['MODEL', 'VERSIONS', 'LATEST', 'PRODUCTION'],
              list.map((m) => [
                m.name,
                String(m.versions),
                `v${m.latest}`,
                m.production ? `v${m.production}` : '—',
              ]),
            ),
          );
          return;
        }
        const versions = r.versions(name);
        if (flags.json) return void console.log(JSON.stringify(versions, null, 2));
        console.log(
          formatTable(
            ['VERSION', 'STAGE', 'CREATED', 'RUN', 'METRICS'],
            versions.map((v) => [
              `v${v.version}`,
              v.stage,
              shortTime(v.createdAt),
              v.runId ?? '—',
              Object.entries(v.metrics)
                .slice(0, 4)
                .map(([k, x]) => `${k}=${formatCell(x)}`)
                .join(' '),
            ]),
          ),
        );
      });
    });
  models
    .command('promote')
    .description('make a version the production one; the current production version is archived')
    .argument('<name>', 'the model')
    .argument('<version>', 'the version to promote')
    .option('--reason <text>', 'why, kept in the stage history')
    .option(...homeOption)
    .action((name: string, version: string, flags: Flags) => {
      const v = withRegistry(flags.home, (r) => r.promote(name, versionNumber(version), flags.reason));
      console.log(`${v.name} v${v.version} is now in production`);
    });
  models
    .command('rollback')
    .description('put back the version that was in production before the current one')
    .argument('<name>', 'the model')
    .option('--reason <text>', 'why, kept in the stage history')
    .option(...homeOption)
    .action((name: string, flags: Flags) => {
      const v = withRegistry(flags.home, (r) => r.rollback(name, flags.reason));
      console.log(`${v.name} rolled back: v${v.version} is in production again`);
    });
  models
    .command('history')
    .description('every stage change of a model, oldest first')
    .argument('<name>', 'the model')
    .option(...homeOption)
    .action((name: string, flags: Flags) => {
      const changes = withRegistry(flags.home, (r) => r.stageHistory(name));
      console.log(
        formatTable(
          ['WHEN', 'VERSION', 'FROM', 'TO', 'REASON'],
          changes.map((c) => [shortTime(c.at), `v${c.version}`, c.from ?? '—', c.to, c.reason ?? '']),
        ),
      );
    });
  return models;
}
