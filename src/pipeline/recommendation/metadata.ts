import type { CatalogueItem } from './purchases.js';
import type { Interactions } from './split.js';

/**
 * What a recommender's artifact holds beside the network, so that serving needs nothing else:
 * who the customers are, what the catalogue is, and what each customer already bought.
 */
export interface RecommenderMetadata {
  /** The customer and product columns: the model's input names. */
  user: string;
  item: string;
  /** users[i] is the customer of embedding index i + 1. */
  users: string[];
  /** catalogue[i] is the product of embedding index i + 1. */
  catalogue: CatalogueItem[];
  /** history[i]: the product indices customer users[i] bought, never recommended to them again. */
  history: number[][];
  currency: string;
}

export function recommenderMetadata(
  data: Interactions,
  spec: { user: string; item: string; currency: string },
): RecommenderMetadata {
  return {
    user: spec.user,
    item: spec.item,
    users: data.users,
    catalogue: data.catalogue,
    history: data.users.map((_, i) => [...data.bought[i + 1]].sort((a, b) => a - b)),
    currency: spec.currency,
  };
}
