#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { deeplineVersion } from '../pipeline/artifact.js';
import { initCommand } from './commands/init.js';
import { evaluateCommand, predictCommand } from './commands/model-io.js';
import { modelsCommand } from './commands/models.js';
import { profileCommand } from './commands/profile.js';
import { runCommand, trainCommand } from './commands/run.js';
import { runsCommand } from './commands/runs.js';
import { serveCommand } from './commands/serve.js';
import { exitCodeOf, formatError } from './errors.js';

/** `deepline`: a thin shell over the library; each command is a file in ./commands. */
export function program(): Command {
  const cli = new Command('deepline')
    .description('Deep learning from raw business data to a served model, in TypeScript.')
    .version(deeplineVersion)
    .showHelpAfterError('(add --help for usage)')
    .exitOverride();
  for (const make of [
    initCommand,
    runCommand,
    profileCommand,
    trainCommand,
    evaluateCommand,
    predictCommand,
    runsCommand,
    modelsCommand,
    serveCommand,
  ])
    cli.addCommand(make().exitOverride());
  return cli;
}

export async function main(argv: readonly string[]): Promise<number> {
  try {
    await program().parseAsync([...argv], { from: 'user' });
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    process.stderr.write(`${formatError(e)}\n`);
    return exitCodeOf(e);
  }
}

// Run when this file is the program (the `deepline` bin links here), not when a test imports it.
if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
