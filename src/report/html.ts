/**
 * Markup that is already safe to place in the page. Only `html` and `trusted` make one, so any
 * plain string that reaches the page (column names, labels, messages: all user data) is escaped.
 */
export class Html {
  constructor(readonly text: string) {}
}

export type Content = Html | string | number | false | null | undefined | readonly Content[];

const entities: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => entities[c]);
}

/** A template whose interpolations are escaped unless they are `Html`; false, null and undefined vanish. */
export function html(strings: TemplateStringsArray, ...parts: Content[]): Html {
  let text = strings[0];
  for (let i = 0; i < parts.length; i++) text += render(parts[i]) + strings[i + 1];
  return new Html(text);
}

/** For markup made by a serializer that escapes its own text: vega's SVG, the page's CSS. */
export function trusted(text: string): Html {
  return new Html(text);
}

function render(part: Content): string {
  if (part instanceof Html) return part.text;
  if (Array.isArray(part)) return part.map(render).join('');
  if (part === false || part === null || part === undefined) return '';
  return escapeHtml(String(part));
}

/** A table with a header row; cells in `numeric` columns are right-aligned. */
export function table(header: string[], rows: Content[][], numeric: number[] = []): Html {
  const cls = (i: number) => numeric.includes(i) && trusted(' class="num"');
  return html`<table>
<thead><tr>${header.map((h, i) => html`<th${cls(i)}>${h}</th>`)}</tr></thead>
<tbody>
${rows.map((row) => html`<tr>${row.map((cell, i) => html`<td${cls(i)}>${cell}</td>`)}</tr>\n`)}</tbody>
</table>`;
}

export type Tone = 'pass' | 'fail' | 'warn' | 'neutral';

export function badge(text: string, tone: Tone): Html {
  return html`<span class="badge ${tone}">${text}</span>`;
}
