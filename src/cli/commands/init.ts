import { existsSync } from 'node:fs';
import { cp, mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, join, relative } from 'node:path';
import { Command } from 'commander';
import { UsageError } from '../errors.js';
import { packageRoot, templates } from '../templates.js';

export function initCommand(): Command {
  const width = Math.max(...Object.keys(templates).map((name) => name.length));
  return new Command('init')
    .description('write a starter pipeline file (and the data it reads) into a folder')
    .argument('<template>', `one of: ${Object.keys(templates).join(', ')}`)
    .argument('[dir]', 'where to write it', '.')
    .option('--force', 'overwrite files that exist')
    .addHelpText(
      'after',
      `\nTemplates:\n${Object.entries(templates)
        .map(([name, t]) => `  ${name.padEnd(width)} ${t.about}`)
        .join('\n')}`,
    )
    .action(async (name: string, dir: string, flags: { force?: boolean }) => {
      const template = templates[name];
      if (!template)
        throw new UsageError(
          `init: no template '${name}'; the templates are ${Object.keys(templates).join(', ')}`,
        );
      const source = join(packageRoot, template.pipeline);
      const target = join(dir, basename(source));
      const folders = template.data.map((d) => join(dir, 'data', basename(d)));
      const copies = [
        [source, target],
        ...template.data.map((d, i) => [join(packageRoot, d), folders[i]]),
      ] as const;
      for (const [, to] of copies)
        if (existsSync(to) && !flags.force)
          throw new UsageError(`init: ${to} exists; pass --force to overwrite it`);
      await mkdir(dir, { recursive: true });
      for (const [from, to] of copies) await cp(from, to, { recursive: true, force: true });
      const shown = relative(process.cwd(), target) || target;
      console.log(`wrote ${shown}${folders.length ? ` and ${folders.join(', ')}` : ''}`);
      if (template.needs && !resolvable(template.needs))
        console.log(`this pipeline reads the ${template.needs} package: npm install ${template.needs}`);
      console.log(`next: npx deepline run ${shown}`);
    });
}

function resolvable(name: string): boolean {
  try {
    createRequire(join(process.cwd(), 'package.json')).resolve(`${name}/package.json`);
    return true;
  } catch {
    return false;
  }
}
