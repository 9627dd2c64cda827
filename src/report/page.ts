import type { Section } from './figure.js';
import { type Html, html, trusted } from './html.js';
import type { ReportData } from './report-data.js';
import { statusBadge } from './section-run.js';

// Inline and system fonts only: the page must read the same offline, from a file, with no scripts.
const css = `
:root { color-scheme: light; --ink: #1d2330; --muted: #5b6472; --line: #e3e6eb; --accent: #4c78a8; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: var(--ink); background: #f6f7f9; }
header, main { max-width: 1200px; margin: 0 auto; padding: 0 24px; }
header { padding-top: 24px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 0 0 12px; }
h3 { font-size: 15px; margin: 20px 0 8px; }
.meta { color: var(--muted); margin: 0 0 12px; }
nav { display: flex; flex-wrap: wrap; gap: 4px 16px; margin-bottom: 16px; }
nav a { color: var(--accent); text-decoration: none; }
section { background: white; border: 1px solid var(--line); border-radius: 8px; padding: 16px 20px; margin: 0 0 16px; }
table { border-collapse: collapse; margin: 0 0 12px; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: 4px 12px 4px 0; border-bottom: 1px solid var(--line); vertical-align: top; }
th { color: var(--muted); font-weight: 600; }
.num { text-align: right; }
code { font: 13px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: #f0f2f5; padding: 1px 4px; border-radius: 3px; }
.columns { display: flex; flex-wrap: wrap; gap: 8px 40px; align-items: flex-start; }
.charts { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
figure { margin: 0 0 12px; }
figure.chart { max-width: 100%; overflow-x: auto; }
figure.chart svg { display: block; }
figcaption { color: var(--muted); font-size: 12px; max-width: 520px; }
.badge { display: inline-block; padding: 0 8px; border-radius: 10px; font-size: 12px; font-weight: 600; }
.badge.pass { background: #e3f4e1; color: #22662a; }
.badge.fail { background: #fbe3e3; color: #a02020; }
.badge.warn { background: #fdf1d8; color: #8a5a00; }
.badge.neutral { background: #eceff3; color: var(--muted); }
dl.summary { display: flex; flex-wrap: wrap; gap: 12px 32px; margin: 0; }
dl.summary dt { color: var(--muted); font-size: 12px; }
dl.summary dd { margin: 0; font-size: 16px; font-weight: 600; }
.samples { display: grid; grid-template-columns: repeat(auto-fill, minmax(96px, 1fr)); gap: 12px; }
figure.sample img { width: 84px; height: auto; image-rendering: pixelated; border: 1px solid var(--line); }
figure.sample figcaption { font-size: 11px; }
ul.next { padding-left: 20px; }
@media print { body { background: white; } section { break-inside: avoid; border: none; } nav { display: none; } }
`;

export function page(data: ReportData, sections: Section[]): Html {
  const { run } = data;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="deepline">
<title>${data.title}</title>
<style>${trusted(css)}</style>
</head>
<body>
<header>
<h1>${data.title}</h1>
<p class="meta">Run <code>${run.id}</code> · ${run.name} · ${statusBadge(run.status)} · started ${run.startedAt} · report generated ${data.generatedAt}</p>
<nav>${sections.map((s) => html`<a href="#${s.id}">${s.title}</a>`)}</nav>
</header>
<main>
${sections.map((s) => html`<section id="${s.id}">\n<h2>${s.title}</h2>\n${s.body}\n</section>\n`)}</main>
</body>
</html>
`;
}
