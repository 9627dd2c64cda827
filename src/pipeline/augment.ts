import type { Layer } from '../nn/layer.js';
import * as layers from '../nn/layers/index.js';
import type { PresetModelConfig } from './config.js';

/**
 * The `augment` option of the cnn preset as Keras preprocessing layers, in the order Keras's
 * examples use (flip, rotation, translation). They move the training images only and draw from
 * the seeded global stream, so that a run is reproducible and the saved model serves unmoved images.
 */
export function augmentationLayers(augment: PresetModelConfig['augment']): Layer[] {
  if (!augment) return [];
  const out: Layer[] = [];
  if (augment.flip) out.push(layers.randomFlip({ mode: augment.flip }));
  if (augment.rotation) out.push(layers.randomRotation({ factor: augment.rotation }));
  if (augment.translation)
    out.push(
      layers.randomTranslation({ heightFactor: augment.translation, widthFactor: augment.translation }),
    );
  return out;
}
