import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { listen, type RunningServer } from '../../../src/serve/server.js';
import type { Serving } from '../../../src/serve/types.js';

/**
 * `serving` behind a real server and Debian's Chromium for the file's tests; `open` gives a page
 * that records what the browser complains about, content security policy violations included.
 */
export function browserPages(serving: Serving): {
  open(path: string): Promise<{ page: Page; complaints: string[] }>;
} {
  let server: RunningServer;
  let browser: Browser;
  beforeAll(async () => {
    server = await listen(serving, { port: 0, logger: false });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  return {
    async open(path) {
      const page = await browser.newPage();
      const complaints: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') complaints.push(message.text());
      });
      page.on('pageerror', (error) => complaints.push(error.message));
      await page.goto(`${server.url}${path}`);
      return { page, complaints };
    },
  };
}
