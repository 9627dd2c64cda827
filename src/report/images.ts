import { PNG } from 'pngjs';
import type { MisclassifiedImage } from './report-data.js';

/** An image as a `data:image/png;base64,…` URI, so that the report needs no files beside it. */
export function pngDataUri(image: MisclassifiedImage): string {
  const { width, height, channels, pixels, scale } = image;
  if (pixels.length !== width * height * channels) {
    throw new RangeError(
      `misclassified image '${image.actual} → ${image.predicted}' has ${pixels.length} values; ` +
        `width ${width} × height ${height} × channels ${channels} needs ${width * height * channels}`,
    );
  }
  const png = new PNG({ width, height });
  const factor = scale === 1 ? 255 : 1;
  for (let p = 0; p < width * height; p++) {
    for (let c = 0; c < 3; c++) {
      const value = pixels[p * channels + (channels === 1 ? 0 : c)] * factor;
      png.data[p * 4 + c] = Math.min(255, Math.max(0, Math.round(value)));
    }
    png.data[p * 4 + 3] = 255;
  }
  // Gray images are written as one channel: a third of the bytes in the page.
  const buffer = PNG.sync.write(png, { colorType: channels === 1 ? 0 : 2 });
  return `data:image/png;base64,${buffer.toString('base64')}`;
}
