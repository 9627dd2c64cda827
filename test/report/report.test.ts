import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { automationValue, formatAmount } from '../../src/pipeline/automation.js';
import { formatDuration, formatMetric, formatMoney } from '../../src/report/format.js';
import { pngDataUri } from '../../src/report/images.js';
import { type ReportData, renderReport, writeReport } from '../../src/report/index.js';
import { binaryReport, hostile, multiclassReport, regressionReport } from './fixtures.js';

const sectionIds = (page: string) => [...page.matchAll(/<section id="([^"]+)"/g)].map((m) => m[1]);
const chartNames = (page: string) =>
  [...page.matchAll(/<figure class="chart" data-chart="([^"]+)"/g)].map((m) => m[1]);
const escaped = '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;';

/** What makes the page self-contained: nothing to fetch, nothing to run. */
function expectSelfContained(page: string): void {
  expect(page).not.toMatch(/<script/i);
  expect(page).not.toMatch(/<link|@import|url\((?!#)/i);
  expect(page).not.toMatch(/\b(src|href)="(?!data:|#)/);
  const ids = [...page.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]);
  expect(new Set(ids).size).toBe(ids.length);
}

describe('binary report with data, training and business value', () => {
  let page: string;
  beforeAll(async () => {
    page = await renderReport(binaryReport());
  });

  test('shows every section, in order, and every chart as inline SVG with a caption', () => {
    expect(sectionIds(page)).toEqual([
      'summary',
      'run',
      'data',
      'training',
      'evaluation',
      'value',
      'gates',
      'registry',
      'next',
    ]);
    expect(chartNames(page)).toEqual([
      'profile-histograms',
      'training-loss',
      'training-accuracy',
      'confusion-matrix',
      'roc',
      'pr',
      'per-class',
      'value',
    ]);
    const figures = page.match(/<figure class="chart"[\s\S]*?<\/figure>/g) ?? [];
    expect(figures).toHaveLength(8);
    for (const figure of figures)
      expect(figure).toMatch(
        /^<figure[^>]*><svg [^>]*>[\s\S]*<\/svg><figcaption>.+<\/figcaption><\/figure>$/,
      );
    expect(page).not.toContain('Misclassified');
  });

  test("the split table counts rows, or the unit the data's parts are counted in", async () => {
    expect(page).toContain('<th>split</th><th class="num">rows</th>');
    const data = binaryReport();
    data.data!.split.unit = 'customer × product pairs';
    expect(await renderReport(data)).toContain('<th>split</th><th class="num">customer × product pairs</th>');
  });

  test('is self-contained, with no script', () => {
    expectSelfContained(page);
  });

  test('escapes user text in tables and in charts', () => {
    expect(page).not.toContain(hostile);
    expect(page).toContain(`<code>${escaped}</code>`); // a parameter name, a next command
    expect(page).toContain(`<td>${escaped}</td>`); // a profile column, an anomaly
    const histograms = page.match(/data-chart="profile-histograms"[\s\S]*?<\/figure>/)?.[0] ?? '';
    expect(histograms).toContain('&lt;script&gt;'); // vega's facet header, truncated
  });

  test('formats counts, metrics, money and durations', () => {
    expect(page).toContain('12,000 = 11,640 + 312 + 48');
    expect(page).toContain('adds up');
    expect(page).toMatch(/<td class="num">8,148<\/td><td class="num">70%<\/td>/);
    expect(page).toContain('<td>accuracy</td><td class="num">0.8412</td>');
    expect(page).toContain('<td>precision</td><td class="num">0.7000</td>');
    expect(page).toContain('1,200.00 EUR per 1,000 decisions');
    expect(page).toContain(
      '<td>no model</td><td class="num">−250.00 EUR</td><td class="num">1,450.00 EUR</td>',
    );
    expect(page).toContain('<td>train</td><td class="num">3 min 05 s</td>');
    expect(page).toContain('<td class="num">1,834</td>');
    expect(page).toContain('ROC curve (AUC 0.9021)');
    expect(page).toContain('value per 1,000 decisions (EUR)');
  });

  test('shows gates with badges and the registry outcome', () => {
    expect(page).toContain('1 of 2 gates passed.');
    expect(page).toContain(
      '<td>recall</td><td>&gt;= 0.7000</td><td class="num">0.6523</td><td><span class="badge fail">fail</span></td>',
    );
    expect(page).toContain('Registered <code>churn</code> version 4 in stage <strong>staging</strong>.');
    expect(page).toContain('<td class="num">+0.01450</td>');
    expect(page).toContain('<li><code>deepline serve --model churn@production</code></li>');
  });

  test('says when the rows do not add up', async () => {
    const data = binaryReport();
    data.data!.rows.kept -= 5;
    expect(await renderReport(data)).toContain('<span class="badge fail">off by 5</span>');
  });
});

describe('multiclass image report', () => {
  let page: string;
  beforeAll(async () => {
    page = await renderReport(multiclassReport(10, 40));
  });

  test('has no data or value sections, and the charts its data allow', () => {
    expect(sectionIds(page)).toEqual(['summary', 'run', 'training', 'evaluation']);
    expect(chartNames(page)).toEqual(['training-loss', 'training-accuracy', 'confusion-matrix', 'per-class']);
    expectSelfContained(page);
  });

  test('shows at most 36 misclassified images as PNG data URIs with captions', () => {
    const images = [...page.matchAll(/<img src="data:image\/png;base64,([^"]+)" alt="([^"]*)">/g)];
    expect(images).toHaveLength(36);
    expect(page).toContain('The first 36 of 40.');
    expect(page).toMatch(/<figcaption>class 0 → class 1 \(\d+(\.\d)?%\)<\/figcaption>/);
    expect(page).toContain(`<figcaption>class 2 → ${escaped} (`);
    const png = PNG.sync.read(Buffer.from(images[0][1], 'base64'));
    expect([png.width, png.height]).toEqual([28, 28]);
    const center = (14 * 28 + 14) * 4;
    const ring = (14 * 28 + 18) * 4; // radius 4 from the center, where class 0's ring is brightest
    expect(png.data[center]).toBe(0);
    expect(png.data[ring]).toBeGreaterThan(180);
  });

  test('with a value of automation: its section, its curve and the saving in the unit asked', async () => {
    const scores = Float32Array.from({ length: 300 }, (_, i) => ((i * 7919) % 100) / 100);
    const labels = Array.from({ length: 100 }, (_, i) => (i % 5 === 0 ? 1 : 0));
    const automation = automationValue(
      { scores, labels },
      { scores, labels },
      { spec: { precision: 0.5, manualCost: 2, unit: 'agent-minutes' }, width: 3, per: 1000 },
    );
    const withValue = await renderReport({ ...multiclassReport(3, 0), automation });
    expect(sectionIds(withValue)).toEqual(['summary', 'run', 'training', 'evaluation', 'automation']);
    expect(chartNames(withValue)).toContain('automation');
    expect(withValue).toContain(formatAmount(automation, automation.saved));
    expect(withValue).toContain('agent-minutes');
    expectSelfContained(withValue);
  });

  test('keeps the table but drops the grouped bars past 30 classes', async () => {
    const many = await renderReport(multiclassReport(77, 3));
    expect(chartNames(many)).toEqual(['training-loss', 'training-accuracy', 'confusion-matrix']);
    expect(many.match(/<td>class \d+<\/td>/g)).toHaveLength(76);
  });
});

test('regression report has metrics and no charts', async () => {
  const page = await renderReport(regressionReport());
  expect(sectionIds(page)).toEqual(['summary', 'run', 'evaluation']);
  expect(chartNames(page)).toEqual([]);
  expect(page).toContain('<span class="badge fail">failed</span>');
  expect(page).toContain('<td>mae</td><td class="num">21,030</td>');
  expect(page).toContain('<td>r2</td><td class="num">0.8765</td>');
  expect(page).toContain('<td>tiny</td><td class="num">1.234e-5</td>');
  expectSelfContained(page);
});

describe('writeReport', () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'deepline-report-'));
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  test('creates the folder and leaves only the finished file', async () => {
    const data: ReportData = regressionReport();
    const path = join(folder, 'runs', '77aa', 'report.html');
    await writeReport(path, data);
    expect(await readdir(join(folder, 'runs', '77aa'))).toEqual(['report.html']);
    expect(await readFile(path, 'utf8')).toBe(await renderReport(data));
  });
});

test('an image whose pixels do not match its shape is refused with both counts', () => {
  const image = { ...multiclassReport(2, 1).evaluation.misclassified![0], width: 27 };
  expect(() => pngDataUri(image)).toThrow(/has 784 values; width 27 × height 28 × channels 1 needs 756/);
});

test('number formats', () => {
  expect([0.91234, 0.5, 1, 12345.6, 0.000123456, Number.NaN].map(formatMetric)).toEqual([
    '0.9123',
    '0.5000',
    '1.000',
    '12,350',
    '1.235e-4',
    'NaN',
  ]);
  expect(formatMoney(-1234.5, 'EUR')).toBe('−1,234.50 EUR');
  expect([0.42, 12.345, 65, 3725].map(formatDuration)).toEqual([
    '0.42 s',
    '12.3 s',
    '1 min 05 s',
    '1 h 02 min',
  ]);
});
