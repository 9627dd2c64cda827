import type { Model } from '../../train/model.js';
import { modelScorer } from './models.js';

/**
 * A recommender's score for every product of its catalogue (indices 1…items, in that order) for
 * a weighted group of its customers: one customer for a known one, the customers most like a new
 * one otherwise. Each customer's scores are the model's; the group's are their weighted mean.
 */
export function catalogueScores(
  model: Model,
  query: { users: readonly number[]; weights: readonly number[] },
  items: number,
): Float32Array {
  const { users, weights } = query;
  const ids = new Int32Array(users.length * items);
  const products = new Int32Array(users.length * items);
  users.forEach((user, u) => {
    ids.fill(user, u * items, (u + 1) * items);
    for (let i = 0; i < items; i++) products[u * items + i] = i + 1;
  });
  const scores = modelScorer(model)(ids, products);
  const total = weights.reduce((a, b) => a + b, 0);
  const out = new Float32Array(items);
  users.forEach((_, u) => {
    const w = weights[u] / total;
    for (let i = 0; i < items; i++) out[i] += w * scores[u * items + i];
  });
  return out;
}
