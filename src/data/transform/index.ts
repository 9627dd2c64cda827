// Feature transforms: fitted on training data, saved with the model, applied alike to a table or
// to one raw record.

export { type AutoOptions, autoColumns, type ColumnGuess, type ColumnType, inferColumnType } from './auto.js';
export { type CategorySpec, fnv1a32, type HashSpec } from './categorical.js';
export { type CyclicalPart, type DatePart, type DateSpec, parseDateText } from './date.js';
export {
  FittedImageTransform,
  ImageTransform,
  type ImageTransformJson,
  type ImageTransformSpec,
  imageTransform,
} from './image.js';
export { FittedLabel, inferLabelKind, type LabelClass, type LabelSpec } from './label.js';
export { TransformError, transformMessages } from './messages.js';
export type { BinSpec, Fill, LogSpec, NumberSpec, ScaleSpec } from './numeric.js';
export {
  DENSE_INPUT,
  FeaturePipeline,
  type FeatureSpec,
  type Features,
  type FeaturesJson,
  FittedFeatures,
  featurePipeline,
  type OutputShapes,
} from './pipeline.js';
export { COLUMN_KINDS, type ColumnSpec, type DropSpec, type TransformSpec } from './spec.js';
export {
  decodeHtmlEntities,
  type StandardizeOptions,
  standardize,
  type TextSpec,
  type TokenizeOptions,
  tokenize,
} from './text.js';
export type { ColumnTransform, ColumnTransformJson, FeatureTarget } from './types.js';
