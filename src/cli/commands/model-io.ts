import { createWriteStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, extname, join } from 'node:path';
import { Command } from 'commander';
import { readImageFolder } from '../../data/images.js';
import { loadMnist } from '../../data/mnist.js';
import { readTable } from '../../data/read.js';
import type { Quarantine } from '../../data/report.js';
import type { Table } from '../../data/table.js';
import { mul } from '../../ops/arithmetic.js';
import type { Artifact } from '../../pipeline/artifact.js';
import { argmax, type Evaluation } from '../../pipeline/evaluation.js';
import { UsageError } from '../errors.js';
import { openModel } from '../model-ref.js';
import { homeOption } from '../options.js';
import { stageReporter } from '../progress.js';

interface Flags {
  home?: string;
  json?: boolean;
  output?: string;
  quarantine?: string;
}

const quarantineOption = [
  '--quarantine <file>',
  'write the rows that cleaning sets aside, with their reasons (default: beside the output, or quarantine.csv)',
] as const;

const modelHelp = 'an artifact folder, or a registered model: NAME, NAME:VERSION or NAME@STAGE';

export function evaluateCommand(): Command {
  return new Command('evaluate')
    .description('score a model on labelled data with the metrics of its task')
    .argument('<model>', modelHelp)
    .argument(
      '<data>',
      "a data file with the label column; for an image model a folder with a sub-folder per class, or 'mnist' (its test split)",
    )
    .option(...homeOption)
    .option('--json', 'print the evaluation as JSON')
    .option(...quarantineOption)
    .action(async (ref: string, data: string, flags: Flags) => {
      const reporter = stageReporter();
      const { artifact, label } = await reporter.stage(`Load ${ref}`, () => openModel(ref, flags.home));
      const evaluation = await reporter.stage(`Evaluate on ${data}`, () =>
        evaluateOn(artifact, data, flags.quarantine ?? 'quarantine.csv'),
      );
      if (flags.json) console.log(JSON.stringify(evaluation, null, 2));
      else console.log(formatEvaluation(label, evaluation));
    });
}

async function evaluateOn(artifact: Artifact, data: string, quarantinePath: string): Promise<Evaluation> {
  if (artifact.meta.input.kind === 'image') {
    const { images, labels } =
      data === 'mnist' ? (await loadMnist()).test : await labelledImages(artifact, data);
    return artifact.evaluate(artifact.predict([images]).outputs, labels.values);
  }
  const scored = artifact.scoreTable(await readTable(data));
  await reportQuarantine(scored.quarantine, quarantinePath);
  if (!scored.labels)
    throw new UsageError(`${data}: has no column '${labelOf(artifact)}' to evaluate against`);
  return artifact.evaluate(scored.outputs, scored.labels);
}

/** A folder with one sub-folder per class, read at the model's size and scale, labelled by its classes. */
async function labelledImages(artifact: Artifact, dir: string) {
  const input = artifact.meta.input as Extract<Artifact['meta']['input'], { kind: 'image' }>;
  const [height, width, channels] = input.shape;
  const folder = await readImageFolder(dir, { size: [height, width], channels: channels as 1 | 3 });
  const classes = artifact.meta.classes;
  const unknown = folder.classNames.filter((c) => !classes.includes(c));
  if (unknown.length > 0)
    throw new UsageError(
      `${dir}: sub-folders ${unknown.join(', ')} are not classes of this model (${classes.join(', ')})`,
    );
  const labels = Int32Array.from(folder.labels.values, (i) => classes.indexOf(folder.classNames[i]));
  return { images: mul(folder.images, input.scale), labels: { values: labels } };
}

/** Rows cleaning set aside are written with their reasons, never dropped in silence. */
async function reportQuarantine(quarantine: Quarantine, path: string): Promise<void> {
  if (quarantine.size === 0) return;
  await quarantine.write(path);
  process.stderr.write(`${quarantine.size} rows could not be scored; they and the reasons are in ${path}\n`);
}

function labelOf(artifact: Artifact): string {
  return artifact.meta.input.kind === 'table' ? artifact.meta.input.label : 'label';
}

function formatEvaluation(label: string, e: Evaluation): string {
  const lines = [`${label}: ${e.task}`];
  for (const [k, v] of Object.entries(e.metrics)) lines.push(`  ${k.padEnd(16)} ${Number(v.toPrecision(4))}`);
  if (e.perClass && e.perClass.length <= 20) {
    lines.push('', `  ${'class'.padEnd(16)} precision  recall  f1      support`);
    for (const c of e.perClass)
      lines.push(
        `  ${c.label.slice(0, 16).padEnd(16)} ${c.precision.toFixed(4).padEnd(10)} ${c.recall.toFixed(4).padEnd(7)} ${c.f1.toFixed(4).padEnd(7)} ${c.support}`,
      );
  }
  return lines.join('\n');
}

const imageExtensions = new Set(['.png', '.jpg', '.jpeg']);

export function predictCommand(): Command {
  return new Command('predict')
    .description('predict with a model: rows of a data file, or images (a file or a folder)')
    .argument('<model>', modelHelp)
    .argument(
      '<input>',
      'a data file (CSV, JSON…) for a table model; an image or a folder of images for an image model',
    )
    .option(...homeOption)
    .option('-o, --output <file>', 'write the predictions here (.csv or .jsonl) instead of to stdout as CSV')
    .option(...quarantineOption)
    .action(async (ref: string, input: string, flags: Flags) => {
      const { artifact } = await openModel(ref, flags.home);
      const quarantinePath =
        flags.quarantine ?? (flags.output ? join(dirname(flags.output), 'quarantine.csv') : 'quarantine.csv');
      const rows =
        artifact.meta.input.kind === 'image'
          ? await predictImages(artifact, input)
          : await predictTable(artifact, await readTable(input), quarantinePath);
      await writeRows(rows, flags.output);
    });
}

type OutRow = Record<string, string | number>;

async function predictTable(artifact: Artifact, table: Table, quarantinePath: string): Promise<OutRow[]> {
  const scored = artifact.scoreTable(table);
  await reportQuarantine(scored.quarantine, quarantinePath);
  return decisions(artifact, scored.outputs, scored.width).map((d, i) => ({
    row: scored.kept.origins[i]?.line ?? i + 1,
    ...d,
  }));
}

async function predictImages(artifact: Artifact, input: string): Promise<OutRow[]> {
  const files = (await stat(input)).isDirectory()
    ? (await readdir(input))
        .filter((f) => imageExtensions.has(extname(f).toLowerCase()))
        .sort()
        .map((f) => join(input, f))
    : [input];
  if (files.length === 0) throw new UsageError(`${input}: no .png, .jpg or .jpeg files`);
  const images = await Promise.all(
    files.map(async (source) => ({ source, bytes: new Uint8Array(await readFile(source)) })),
  );
  const { outputs, width } = artifact.scoreImages(images);
  return decisions(artifact, outputs, width).map((d, i) => ({ file: files[i], ...d }));
}

/** The decision and its score per example: the class and its probability, or the value. */
function decisions(artifact: Artifact, outputs: Float32Array, width: number): OutRow[] {
  const { task, classes, threshold = 0.5 } = artifact.meta;
  const n = outputs.length / width;
  return Array.from({ length: n }, (_, i): OutRow => {
    if (task === 'regression') return { prediction: outputs[i] };
    // A score at the threshold is a positive decision, as evaluation counts it.
    if (task === 'binary')
      return {
        prediction: classes[outputs[i] >= threshold ? 1 : 0],
        probability: Number(outputs[i].toFixed(6)),
      };
    const best = argmax(outputs, i, width);
    return { prediction: classes[best], probability: Number(outputs[i * width + best].toFixed(6)) };
  });
}

async function writeRows(rows: OutRow[], output?: string): Promise<void> {
  const jsonl = output !== undefined && extname(output) === '.jsonl';
  const stream = output ? createWriteStream(output) : process.stdout;
  const cell = (v: string | number) =>
    typeof v === 'string' && /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : String(v);
  if (!jsonl && rows.length > 0) stream.write(`${Object.keys(rows[0]).join(',')}\n`);
  for (const r of rows)
    stream.write(jsonl ? `${JSON.stringify(r)}\n` : `${Object.values(r).map(cell).join(',')}\n`);
  if (output)
    await new Promise<void>((done, fail) =>
      (stream as NodeJS.WritableStream).end(() => done()).on?.('error', fail),
    );
}
