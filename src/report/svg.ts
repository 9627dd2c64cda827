import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

let charts = 0;

/**
 * Renders a Vega-Lite spec to an SVG string in Node. The 'none' renderer skips the canvas and DOM
 * that a browser view needs; `toSVG` runs the same scenegraph through vega's string serializer,
 * which escapes every text and attribute.
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    return scopeIds(await view.toSVG(), `c${++charts}-`);
  } finally {
    view.finalize();
  }
}

/**
 * Vega numbers its clip paths and gradients from process-wide counters that any caller may reset,
 * and all the charts share one HTML document where ids must be unique, so each chart gets a prefix.
 */
function scopeIds(svg: string, prefix: string): string {
  return svg.replace(/\bid="([^"]+)"/g, `id="${prefix}$1"`).replace(/url\(#([^)]+)\)/g, `url(#${prefix}$1)`);
}
