import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';

// What `npx deepline` runs after `npm install` (whose `prepare` builds dist/): the compiled bin.
const root = new URL('../../', import.meta.url);
const bin = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')).bin.deepline as string;

describe('the deepline bin', () => {
  test('is built and answers --help and --version', async () => {
    const path = new URL(bin, root).pathname;
    expect(existsSync(path), `${bin} is missing: run npm run build (npm install does, through prepare)`).toBe(
      true,
    );
    expect(readFileSync(path, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    const run = promisify(execFile);
    const help = await run(process.execPath, [path, '--help']);
    for (const command of [
      'init',
      'run',
      'profile',
      'train',
      'evaluate',
      'predict',
      'runs',
      'models',
      'serve',
    ])
      expect(help.stdout).toMatch(new RegExp(`\\n  ${command} `));
    const version = await run(process.execPath, [path, '--version']);
    expect(version.stdout.trim()).toBe(
      JSON.parse(readFileSync(new URL('package.json', root), 'utf8')).version,
    );
  });

  test('every command and subcommand has --help', async () => {
    const path = new URL(bin, root).pathname;
    const run = promisify(execFile);
    const commands = ['init', 'run', 'profile', 'train', 'evaluate', 'predict', 'serve']
      .map((c) => [c])
      .concat(['list', 'show', 'compare'].map((c) => ['runs', c]))
      .concat(['list', 'promote', 'rollback', 'history'].map((c) => ['models', c]));
    for (const command of commands) {
      const { stdout } = await run(process.execPath, [path, ...command, '--help']);
      expect(stdout, command.join(' ')).toMatch(new RegExp(`^Usage: deepline ${command.join(' ')} `));
    }
  });
});
