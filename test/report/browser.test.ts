import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runPipeline } from '../../src/pipeline/run.js';
import { type ReportData, writeReport } from '../../src/report/index.js';
import { runReportData } from '../../src/report/run-report.js';
import { binaryReport, multiclassReport } from './fixtures.js';

// The report promises to read offline in a real browser; only a real browser can check that.
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

interface ChartCheck {
  name: string;
  width: number;
  height: number;
  marks: number;
  visibleMarks: number;
}

describe('the report in headless Chromium', () => {
  let browser: Browser;
  let folder: string;

  beforeAll(async () => {
    if (!existsSync(executablePath)) {
      throw new Error(
        `Chromium not found at ${executablePath}: install it (apt-get install -y chromium, as .ci/run does) ` +
          'or set CHROMIUM_PATH to a Chromium binary',
      );
    }
    browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
    folder = await mkdtemp(join(tmpdir(), 'deepline-report-browser-'));
  });

  afterAll(async () => {
    await browser?.close();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  async function open(name: string, data: ReportData) {
    const path = join(folder, `${name}.html`);
    await writeReport(path, data);
    const page = await browser.newPage();
    const blocked: string[] = [];
    await page.route('**', (route) => {
      if (route.request().url().startsWith('file:')) return route.continue();
      blocked.push(route.request().url());
      return route.abort();
    });
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(pathToFileURL(path).href, { waitUntil: 'load' });
    const charts: ChartCheck[] = await page.$$eval('figure.chart', (figures) =>
      figures.map((figure) => {
        const box = figure.querySelector('svg')?.getBoundingClientRect();
        // Data marks only: vega also emits path, line and rect elements for axes and legends.
        const marks = Array.from(
          figure.querySelectorAll('g.role-mark:not(.mark-group) > :is(path, line, rect, text)'),
        );
        return {
          name: figure.getAttribute('data-chart') ?? '',
          width: box?.width ?? 0,
          height: box?.height ?? 0,
          marks: marks.length,
          visibleMarks: marks.filter((mark) => {
            const b = (mark as SVGGraphicsElement).getBBox();
            return b.width > 0 || b.height > 0;
          }).length,
        };
      }),
    );
    const images = await page.$$eval('img', (all) =>
      all.map((img) => (img as HTMLImageElement).naturalWidth),
    );
    await page.close();
    return { charts, images, blocked, errors };
  }

  test('binary report: every chart rendered, nothing fetched, no errors', async () => {
    const { charts, images, blocked, errors } = await open('binary', binaryReport());
    expect(charts.map((c) => c.name)).toEqual([
      'profile-histograms',
      'training-loss',
      'training-accuracy',
      'confusion-matrix',
      'roc',
      'pr',
      'per-class',
      'value',
    ]);
    for (const chart of charts) {
      expect(chart.width, chart.name).toBeGreaterThan(0);
      expect(chart.height, chart.name).toBeGreaterThan(0);
      expect(chart.visibleMarks, chart.name).toBeGreaterThan(0);
    }
    expect(images).toEqual([]);
    expect(blocked).toEqual([]);
    expect(errors).toEqual([]);
  });

  test('multiclass report: charts rendered and every misclassified image loaded', async () => {
    const { charts, images, blocked, errors } = await open('multiclass', multiclassReport(10, 40));
    expect(charts.map((c) => c.name)).toEqual([
      'training-loss',
      'training-accuracy',
      'confusion-matrix',
      'per-class',
    ]);
    for (const chart of charts) {
      expect(chart.width * chart.height, chart.name).toBeGreaterThan(0);
      expect(chart.visibleMarks, chart.name).toBeGreaterThan(0);
    }
    // 10 × 10 cells, and a count in each non-zero one.
    expect(charts.find((c) => c.name === 'confusion-matrix')?.marks).toBeGreaterThan(100);
    expect(images).toHaveLength(36);
    for (const width of images) expect(width).toBe(28);
    expect(blocked).toEqual([]);
    expect(errors).toEqual([]);
  });

  test("a real pipeline run's report (the churn example): every chart rendered", async () => {
    const home = join(folder, 'home');
    const result = await runPipeline(new URL('../../examples/churn.yaml', import.meta.url).pathname, {
      home,
      epochs: 3,
    });
    const { charts, blocked, errors } = await open('churn-run', runReportData(result));
    expect(charts.map((c) => c.name)).toEqual([
      'profile-histograms',
      'training-loss',
      'training-accuracy',
      'confusion-matrix',
      'roc',
      'pr',
      'per-class',
      'value',
    ]);
    for (const chart of charts) expect(chart.visibleMarks, chart.name).toBeGreaterThan(0);
    expect(blocked).toEqual([]);
    expect(errors).toEqual([]);
  }, 60_000);
});
