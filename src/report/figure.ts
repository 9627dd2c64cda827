import type { TopLevelSpec } from 'vega-lite';
import { type Content, type Html, html, trusted } from './html.js';
import { renderSvg } from './svg.js';

/** A report section: its anchor, its heading and what it shows. */
export interface Section {
  id: string;
  title: string;
  body: Html;
}

/** Every chart in the page has this shape; the browser test and readers of the HTML rely on it. */
export async function figure(name: string, caption: Content, spec: TopLevelSpec): Promise<Html> {
  const svg = await renderSvg(spec);
  return html`<figure class="chart" data-chart="${name}">${trusted(svg)}<figcaption>${caption}</figcaption></figure>`;
}
