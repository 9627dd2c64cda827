import { createWriteStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { Command } from 'commander';
import { loadMnist } from '../../data/mnist.js';
import { readTable } from '../../data/read.js';
import type { Table } from '../../data/table.js';
import type { Artifact } from '../../pipeline/artifact.js';
import type { Evaluation } from '../../pipeline/evaluation.js';
import { UsageError } from '../errors.js';
import { openModel } from '../model-ref.js';
import { stageReporter } from '../progress.js';
import { homeOption } from '../registry-access.js';

interface Flags {
  home?: string;
  json?: boolean;
  output?: string;
}

const modelHelp = 'an artifact folder, or a registered model: NAME, NAME:VERSION or NAME@STAGE';

export function evaluateCommand(): Command {
  return new Command('evaluate')
    .description('score a model on labelled data with the metrics of its task')
    .argument('<model>', modelHelp)
    .argument('<data>', "a data file with the label column, or 'mnist' (its test split) for an image model")
    .option(...homeOption)
    .option('--json', 'print the evaluation as JSON')
    .action(async (ref: string, data: string, flags: Flags) => {
      const reporter = stageReporter();
      const { artifact, label } = await reporter.stage(`Load ${ref}`, () => openModel(ref, flags.home));
      const evaluation = await reporter.stage(`Evaluate on ${data}`, () => evaluateOn(artifact, data));
      if (flags.json) console.log(JSON.stringify(evaluation, null, 2));
      else console.log(formatEvaluation(label, evaluation));
    });
}

async function evaluateOn(artifact: Artifact, data: string): Promise<Evaluation> {
  if (data === 'mnist') {
    const { test } = await loadMnist();
    const { outputs } = artifact.predict([test.images]);
    return artifact.evaluate(outputs, test.labels.values);
  }
  const scored = artifact.scoreTable(await readTable(data));
  if (!scored.labels)
    throw new UsageError(`${data}: has no column '${labelOf(artifact)}' to evaluate against`);
  return artifact.evaluate(scored.outputs, scored.labels);
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
    .action(async (ref: string, input: string, flags: Flags) => {
      const { artifact } = await openModel(ref, flags.home);
      const rows =
        artifact.meta.input.kind === 'image'
          ? await predictImages(artifact, input)
          : predictTable(artifact, await readTable(input));
      await writeRows(rows, flags.output);
    });
}

type OutRow = Record<string, string | number>;

function predictTable(artifact: Artifact, table: Table): OutRow[] {
  const scored = artifact.scoreTable(table);
  if (scored.quarantine.size > 0)
    process.stderr.write(`${scored.quarantine.size} rows could not be scored (cleaning set them aside)\n`);
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
  return Array.from({ length: n }, (_, i) => {
    if (task === 'regression') return { prediction: outputs[i] } as OutRow;
    if (task === 'binary') {
      const p = outputs[i];
      return { prediction: classes[p >= threshold ? 1 : 0], probability: Number(p.toFixed(6)) } as OutRow;
    }
    let best = 0;
    for (let j = 1; j < width; j++) if (outputs[i * width + j] > outputs[i * width + best]) best = j;
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
