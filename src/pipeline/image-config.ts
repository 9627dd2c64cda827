import type { PipelineConfig } from './config.js';

type DataConfig = PipelineConfig['data'];

/** An IDX pair as the pipeline file names it. */
export type IdxPairConfig = Exclude<DataConfig['source'], string>;

/** How a stage title names the source: its file, folder or images file. */
export function sourceName(source: DataConfig['source']): string {
  return typeof source === 'string' ? source : source.images;
}

/** Whether `data` names images (mnist, an IDX pair, or a folder read with `image` settings) rather than a table. */
export function isImageData(data: DataConfig): boolean {
  return data.source === 'mnist' || typeof data.source !== 'string' || data.image !== undefined;
}

/**
 * What the schema cannot say about image data: which keys go together. Returns the key at fault
 * and the message, or undefined when all is well.
 */
export function imageDataProblem(
  data: DataConfig,
): { path: (string | number)[]; message: string } | undefined {
  const { source, image } = data;
  if (typeof source !== 'string' && (source.testImages === undefined) !== (source.testLabels === undefined))
    return {
      path: ['data', 'source', source.testImages === undefined ? 'testImages' : 'testLabels'],
      message: 'missing: a test pair needs both testImages and testLabels',
    };
  if (source === 'mnist' && image !== undefined)
    return {
      path: ['data', 'image'],
      message: 'mnist is read as it is (28×28 grayscale); image settings are for a folder or an IDX pair',
    };
  if (typeof source === 'string' && source !== 'mnist' && image !== undefined && image.size === undefined)
    return {
      path: ['data', 'image'],
      message: 'a folder of images needs a size to resize every image to, such as size: [64, 64]',
    };
  if (isImageData(data) && data.label !== undefined)
    return {
      path: ['data', 'label'],
      message: "images take their labels from the class folders or the IDX labels file: remove 'label'",
    };
  // mnist with data.test is config.ts's to explain.
  if (isImageData(data) && source !== 'mnist' && data.test !== undefined)
    return {
      path: ['data', 'test'],
      message:
        "data.test is a table's test file; an IDX pair takes its test pair as source.testImages and source.testLabels",
    };
  return undefined;
}
