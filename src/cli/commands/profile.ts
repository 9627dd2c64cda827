import { writeFile } from 'node:fs/promises';
import { Command } from 'commander';
import { formatProfile, type Profile, profileTable } from '../../data/profile.js';
import { readTableChunks } from '../../data/read.js';
import { inferSchema, loadSchema, saveSchema } from '../../data/schema.js';
import { formatAnomalies, validate } from '../../data/validate.js';
import { OutcomeError } from '../errors.js';
import { stageReporter } from '../progress.js';

interface ProfileFlags {
  delimiter?: string;
  query?: string;
  json?: string;
  schema?: string;
  validate?: string;
}

export function profileCommand(): Command {
  return new Command('profile')
    .description('profile a data file (types, missing values, distributions) and infer or check its schema')
    .argument(
      '<data>',
      'a CSV/TSV/JSON/JSON Lines file (gzipped too), a SQLite/DuckDB file with --query, or Parquet',
    )
    .option('--delimiter <char>', 'the field delimiter (sniffed by default)')
    .option('--query <sql>', 'for a database file: the query whose rows to profile')
    .option('--json <file>', 'also save the profile as JSON')
    .option('--schema <file>', 'save the schema inferred from this data (to validate new data against)')
    .option('--validate <schema>', 'check the data against a saved schema; exits 3 on an error anomaly')
    .action(async (data: string, flags: ProfileFlags) => {
      const read = {
        ...(flags.delimiter !== undefined && { delimiter: flags.delimiter }),
        ...(flags.query !== undefined && { query: flags.query }),
      };
      const reporter = stageReporter();
      const profile: Profile = await reporter.stage(`Profile ${data}`, async (update) => {
        let rows = 0;
        async function* counted() {
          for await (const chunk of readTableChunks(data, read)) {
            rows += chunk.numRows;
            update(`${rows.toLocaleString('en-US')} rows`);
            yield chunk;
          }
        }
        return profileTable(counted());
      });
      console.log(formatProfile(profile));
      if (flags.json) await writeFile(flags.json, `${JSON.stringify(profile, null, 2)}\n`);
      if (flags.schema) await saveSchema(inferSchema(profile), flags.schema);
      if (flags.validate) {
        const schema = await loadSchema(flags.validate);
        const result = await reporter.stage(`Validate against ${flags.validate}`, () =>
          validate(readTableChunks(data, read), schema),
        );
        console.log(formatAnomalies(result));
        if (!result.ok) throw new OutcomeError(`${data} does not match the schema ${flags.validate}`);
      }
    });
}
