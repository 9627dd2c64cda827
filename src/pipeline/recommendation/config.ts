import { z } from 'zod';

/**
 * `data.interactions` of a recommendation pipeline: which columns of the transactions name the
 * customer, the product and the time, and how the purchases become training and test examples.
 */
export const interactionsSchema = z.strictObject({
  /** The customer column. */
  user: z.string().min(1),
  /** The product column. */
  item: z.string().min(1),
  /** The purchase time column (coerce it to datetime in `clean`). */
  time: z.string().min(1),
  /** Units per line, summed per customer and product (optional). */
  quantity: z.string().min(1).optional(),
  /** Unit price per line: each product's median is what a recommendation is worth when bought. */
  price: z.string().min(1).optional(),
  /** Product description, shown beside each recommendation. */
  description: z.string().min(1).optional(),
  /** The products a customer first bought in the last `testDays` of their own history are their test set. */
  testDays: z.number().int().positive().default(30),
  /** The currency of the price column, in which the value of the recommendations is stated. */
  currency: z.string().min(1).default('EUR'),
  /** Products sampled as not bought for each bought one, every epoch (He et al. use 4). */
  negatives: z.number().int().positive().default(4),
});

export type InteractionsConfig = z.infer<typeof interactionsSchema>;

interface Sections {
  data: { task?: string; interactions?: unknown; label?: string };
  model: { preset?: string } | { layers: unknown[] };
  value?: object;
  evaluate: { threshold?: unknown };
}

/**
 * What the schema alone cannot say about a recommendation pipeline; the message of the first
 * problem, placed by `where` (`file:line: key.path`), or undefined when there is none.
 */
export function checkRecommendation(
  config: Sections,
  where: (path: readonly PropertyKey[]) => string,
): string | undefined {
  const recommending = config.data.task === 'recommendation';
  if (!recommending) {
    if (config.data.interactions !== undefined)
      return `${where(['data', 'interactions'])}: interactions are read only for data.task recommendation`;
    return undefined;
  }
  if (config.data.interactions === undefined)
    return `${where(['data'])}: data.task recommendation needs data.interactions (at least user, item and time columns)`;
  if (config.data.label !== undefined)
    return `${where(['data', 'label'])}: a recommendation has no label column: what each customer bought is the label`;
  if (!('preset' in config.model) || config.model.preset !== 'recommender')
    return `${where(['model'])}: a recommendation trains the recommender preset (neural collaborative filtering): set model.preset: recommender`;
  if (config.value)
    return `${where(['value'])}: a recommendation is valued by the revenue of what it recommends, at data.interactions.price in data.interactions.currency; remove the value section`;
  if (config.evaluate.threshold !== undefined)
    return `${where(['evaluate', 'threshold'])}: a recommendation ranks products and has no decision threshold`;
  return undefined;
}
