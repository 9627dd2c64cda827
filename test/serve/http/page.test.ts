import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { renderModelPage } from '../../../src/serve/page.js';
import { browserPages } from './browser-pages.js';
import { FakeServing } from './fake-serving.js';

// The page per model in headless Chromium: a person fills the form or drops an image, the page
// posts to the REST API and shows the prediction. The fake's scores are fixed; what is tested is
// the page and the REST path behind it.

const serving = new FakeServing();
const { open } = browserPages(serving);

describe('the model page in Chromium', () => {
  it('classifies the record filled into the form and shows every class score', async () => {
    const { page, complaints } = await open('/models/churn');
    await page.fill('#col-0', '5');
    await page.fill('#col-1', 'month-to-month');
    await page.selectOption('#col-3', 'true');
    await page.click('button[type=submit]');
    await expect.poll(() => page.textContent('#answer')).toBe('yes');
    expect(await page.textContent('#version')).toBe('3');
    const rows = await page.$$eval('#scores tbody tr', (trs) =>
      trs.map((tr) => Array.from(tr.children, (cell) => cell.textContent).slice(0, 2)),
    );
    expect(rows).toEqual([
      ['no', '0.2000'],
      ['yes', '0.8000'],
    ]);
    expect(serving.calls.at(-1)?.input).toEqual({
      kind: 'records',
      records: [{ tenure: 5, contract: 'month-to-month', paperless: true }],
    });
    expect(complaints).toEqual([]);
    await page.close();
  });

  it('shows the error the server answers', async () => {
    const { page } = await open('/models/churn');
    await page.fill('#col-0', '-1');
    await page.click('button[type=submit]');
    await expect.poll(() => page.textContent('#error')).toBe('examples[0]: tenure: missing or negative');
    expect(await page.isHidden('#result')).toBe(true);
    await page.close();
  });

  it('sends a chosen PNG as b64 to :classify and shows the predicted label', async () => {
    const png = new PNG({ width: 28, height: 28 });
    png.data.fill(255);
    const bytes = PNG.sync.write(png);
    const { page, complaints } = await open('/models/mnist');
    await page.setInputFiles('#file', { name: 'digit.png', mimeType: 'image/png', buffer: bytes });
    await expect.poll(() => page.textContent('#answer')).toBe('7');
    expect(await page.$$eval('#scores tbody tr', (trs) => trs.length)).toBe(10);
    expect(await page.isVisible('#preview')).toBe(true);
    const input = serving.calls.at(-1)?.input;
    expect(input?.kind === 'images' && Buffer.from(input.images[0]).equals(bytes)).toBe(true);
    expect(complaints).toEqual([]);
    await page.close();
  });

  it('shows a regression value', async () => {
    const { page } = await open('/models/half_plus_three');
    await page.fill('#col-0', '1');
    await page.click('button[type=submit]');
    await expect.poll(() => page.textContent('#answer')).toBe('3.5');
    expect(await page.isHidden('#scores')).toBe(true);
    await page.close();
  });
});

describe('the model page markup', () => {
  it('escapes names from the artifact in HTML and in the JSON island', () => {
    const hostile = '</script><img src=x onerror=alert(1)>';
    const version = serving.resolve('churn', { kind: 'default' });
    const html = renderModelPage({
      ...version,
      meta: { ...version.meta, input: { kind: 'table', label: 'y', columns: [hostile] } },
    });
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&#60;/script&#62;&#60;img src=x onerror=alert(1)&#62;');
    expect(html).toContain('\\u003c/script>\\u003cimg');
  });
});
