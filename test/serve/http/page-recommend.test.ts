import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { RecommenderMetadata } from '../../../src/pipeline/recommendation/metadata.js';
import { pageSecurityPolicy, renderModelPage } from '../../../src/serve/page.js';
import type {
  InferenceInput,
  InferenceOutput,
  LoadedVersion,
  VersionSelector,
} from '../../../src/serve/types.js';
import { browserPages } from './browser-pages.js';
import { FakeServing } from './fake-serving.js';

// The recommender's page in headless Chromium: a person asks for a known customer or a new
// customer's basket, the page posts to :recommend and shows the products. The fake's scores are
// fixed; what is tested is the page and the :recommend route behind it.

const hostile = '</script><img src=x onerror=alert(1)>';

/** Twelve products scored 12, 11, … 1 for everyone; customer 17850 bought the first two. */
const recommender: RecommenderMetadata = {
  user: 'CustomerID',
  item: 'StockCode',
  users: ['17850', '13047'],
  catalogue: [
    { id: '85123A', description: 'WHITE HANGING HEART T-LIGHT HOLDER', price: 2.55 },
    { id: '71053', description: 'WHITE METAL LANTERN', price: 3.39 },
    { id: '84406B', description: hostile, price: 2.75 },
    ...Array.from({ length: 9 }, (_, i) => ({ id: `2200${i}`, description: `PRODUCT ${i}`, price: 1 + i })),
  ],
  history: [[1, 2], [3]],
  currency: 'GBP',
};

const shop: LoadedVersion = {
  name: 'shop',
  version: 5,
  stage: 'production',
  meta: {
    deepline: '0.1.0',
    pipeline: 'fake',
    runId: 'run-1',
    task: 'binary',
    classes: ['no', 'yes'],
    input: { kind: 'table', label: 'bought', columns: ['CustomerID', 'StockCode'] },
    recommender,
    metrics: {},
    dataFingerprint: 'fp',
    trainedAt: '2024-01-01T00:00:00Z',
  },
  signature: {
    inputs: [
      { name: 'CustomerID', dtype: 'DT_INT32', shape: [-1, 1] },
      { name: 'StockCode', dtype: 'DT_INT32', shape: [-1, 1] },
    ],
    outputs: [{ name: 'probabilities', dtype: 'DT_FLOAT', shape: [-1, 1] }],
    methods: ['predict', 'classify'],
  },
};

/** FakeServing's models and a recommender, `shop` (version 5). */
class ShopServing extends FakeServing {
  override names(): string[] {
    return [...super.names(), 'shop'];
  }

  override status(name: string): LoadedVersion[] {
    return name === 'shop' ? [shop] : super.status(name);
  }

  override resolve(name: string, selector: VersionSelector): LoadedVersion {
    return name === 'shop' ? shop : super.resolve(name, selector);
  }

  override async infer(version: LoadedVersion, input: InferenceInput): Promise<InferenceOutput> {
    if (version.name !== 'shop') return super.infer(version, input);
    this.calls.push({ name: version.name, version: version.version, input });
    const n = recommender.catalogue.length;
    return { outputs: Float32Array.from({ length: n }, (_, i) => (n - i) / n), width: n };
  }
}

const serving = new ShopServing();
const { open } = browserPages(serving);

const shownRows = (page: Page) =>
  page.$$eval('#recommendations tbody tr', (trs) =>
    trs.map((tr) => Array.from(tr.children, (c) => c.textContent)),
  );

describe('the recommender page in Chromium', () => {
  it('recommends k products to a known customer, leaving out what they bought', async () => {
    const { page, complaints } = await open('/models/shop');
    await page.fill('#customer', '17850');
    await page.fill('#k', '4');
    await page.click('button[type=submit]');
    await expect.poll(() => page.textContent('#answer')).toBe('customer 17850');
    expect(await page.textContent('#version')).toBe('5');
    expect(await shownRows(page)).toEqual([
      ['1', '84406B', hostile, '2.75 GBP', '0.8333'],
      ['2', '22000', 'PRODUCT 0', '1.00 GBP', '0.7500'],
      ['3', '22001', 'PRODUCT 1', '2.00 GBP', '0.6667'],
      ['4', '22002', 'PRODUCT 2', '3.00 GBP', '0.5833'],
    ]);
    expect(await page.$$('img')).toHaveLength(0);
    expect(serving.calls.at(-1)?.input).toEqual({ kind: 'recommend', users: [1], weights: [1] });
    expect(complaints).toEqual([]);
    await page.close();
  });

  it('asks for 10 by default', async () => {
    const { page } = await open('/models/shop');
    await page.fill('#customer', '13047');
    await page.click('button[type=submit]');
    await expect.poll(() => page.textContent('#answer')).toBe('customer 13047');
    expect(await shownRows(page)).toHaveLength(10);
    await page.close();
  });

  it("recommends from a new customer's basket, codes split on commas and spaces", async () => {
    const { page, complaints } = await open('/models/shop');
    await page.fill('#items', ' 85123A, 71053  22000 ');
    await page.fill('#k', '2');
    await page.click('button[type=submit]');
    await expect.poll(() => page.textContent('#answer')).toBe('a customer who bought 85123A, 71053, 22000');
    const rows = await shownRows(page);
    expect(rows.map((row) => row[1])).toEqual(['84406B', '22001']);
    expect(complaints).toEqual([]);
    await page.close();
  });

  it("shows the server's error for an unknown customer and for an unknown product", async () => {
    const { page } = await open('/models/shop');
    await page.fill('#customer', '99999');
    await page.click('button[type=submit]');
    await expect
      .poll(() => page.textContent('#error'))
      .toBe(
        "'customer': no customer '99999' in model 'shop' version 5; for a new customer, send the products they bought as 'items'",
      );
    expect(await page.isHidden('#result')).toBe(true);

    await page.fill('#customer', '17850');
    await page.click('button[type=submit]');
    await expect.poll(() => page.isVisible('#result')).toBe(true);
    expect(await page.isHidden('#error')).toBe(true);

    await page.fill('#customer', '');
    await page.fill('#items', '85123A NOPE');
    await page.click('button[type=submit]');
    await expect
      .poll(() => page.textContent('#error'))
      .toBe("'items[1]': no product 'NOPE' in the catalogue of model 'shop' version 5");
    expect(await page.isHidden('#result')).toBe(true);
    await page.close();
  });
});

describe('the recommender page markup', () => {
  const html = renderModelPage(shop);

  it('asks for a customer or a basket, not the columns of the network', () => {
    expect(html).toContain('id="customer"');
    expect(html).toContain('id="items"');
    expect(html).toContain('max="12"');
    expect(html).not.toContain('id="col-0"');
    expect(html).toContain('"verb":"recommend"');
  });

  it('loads nothing from elsewhere, and the policy allows nothing from elsewhere', () => {
    expect(html).not.toMatch(/(src|href|action)\s*=\s*["']?(https?:)?\/\//i);
    expect(html).not.toMatch(/https?:\/\//);
    expect(pageSecurityPolicy).toMatch(/default-src 'none'/);
  });

  it('escapes a hostile product description', () => {
    const version = { ...shop };
    version.meta = {
      ...version.meta,
      recommender: { ...recommender, catalogue: [{ id: 'X1', description: hostile, price: 1 }] },
    };
    const hostileHtml = renderModelPage(version);
    expect(hostileHtml).not.toContain('<img src=x');
    expect(hostileHtml).toContain('X1 (&#60;/script&#62;&#60;img src=x onerror=alert(1)&#62;)');
  });
});
