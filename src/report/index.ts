import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Section } from './figure.js';
import { page } from './page.js';
import type { ReportData } from './report-data.js';
import { automationSection } from './section-automation.js';
import { dataSection } from './section-data.js';
import { evaluationSection } from './section-evaluation.js';
import { gatesSection, nextSection, registrySection } from './section-outcome.js';
import { rankingSection } from './section-ranking.js';
import { runSection, summarySection } from './section-run.js';
import { trainingSection } from './section-training.js';
import { valueSection } from './section-value.js';
import { variantsSection } from './section-variants.js';

export type * from './report-data.js';

/**
 * The run report as one self-contained HTML page: charts are inline SVG rendered here with
 * Vega-Lite, images are data URIs, and there is no script, so it reads the same offline.
 */
export async function renderReport(data: ReportData): Promise<string> {
  const sections = await Promise.all([
    summarySection(data),
    runSection(data),
    dataSection(data.data),
    variantsSection(data.variants),
    trainingSection(data.training),
    data.ranking ? rankingSection(data.ranking) : evaluationSection(data.evaluation),
    valueSection(data.value),
    automationSection(data.automation),
    gatesSection(data.gates),
    registrySection(data.registry),
    nextSection(data.next),
  ]);
  return page(
    data,
    sections.filter((s): s is Section => s !== undefined),
  ).text;
}

/** Writes the report to `path`, creating its folder; a reader never sees a half-written file. */
export async function writeReport(path: string, data: ReportData): Promise<void> {
  const text = await renderReport(data);
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temporary, text);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
