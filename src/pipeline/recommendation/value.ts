import type { Interactions } from './split.js';

/** What one model's top lists earn: per `per` customers, at each product's median price. */
export interface ModelRevenue {
  name: string;
  /** Revenue per `per` customers from the recommended products they bought. */
  revenue: number;
  /** The share of recommended products bought (the measured hit rate of the lists, precision@k). */
  hitRate: number;
}

export interface RevenueReport {
  currency: string;
  /** Customers the figures are stated per. */
  per: number;
  /** Products shown to each customer. */
  top: number;
  models: ModelRevenue[];
  /** The model the run registers. */
  chosen: string;
  baseline: string;
  /** The chosen model's revenue minus the baseline's, per `per` customers. */
  extra: number;
  description: string;
}

/**
 * Expected revenue of showing each test customer a model's top products: every recommended
 * product they went on to buy in their test days counts at its median unit price (one unit), so
 * revenue = per × top × hit rate × the mean price of the hits. Counting every such purchase as
 * earned by the list is the upper end: some of them the customer would have found alone.
 */
export function revenueOfLists(
  name: string,
  lists: readonly number[][],
  data: Interactions,
  per: number,
): ModelRevenue {
  let revenue = 0;
  let hits = 0;
  let shown = 0;
  data.test.forEach((customer, i) => {
    const bought = new Set(customer.items);
    for (const item of lists[i]) {
      shown++;
      if (!bought.has(item)) continue;
      hits++;
      revenue += data.catalogue[item - 1].price;
    }
  });
  const customers = Math.max(1, data.test.length);
  return { name, revenue: (revenue / customers) * per, hitRate: shown === 0 ? 0 : hits / shown };
}

export function revenueReport(
  models: ModelRevenue[],
  options: { chosen: string; baseline: string; currency: string; per: number; top: number; testDays: number },
): RevenueReport {
  const of = (name: string) => models.find((m) => m.name === name)!.revenue;
  return {
    currency: options.currency,
    per: options.per,
    top: options.top,
    models,
    chosen: options.chosen,
    baseline: options.baseline,
    extra: of(options.chosen) - of(options.baseline),
    description:
      `each customer is shown the top ${options.top} products they have not bought; a product they went on ` +
      `to buy in their last ${options.testDays} days counts at its median unit price`,
  };
}
