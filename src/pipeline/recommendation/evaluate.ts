import { uniformStream } from '../../data/split.js';
import { hitRate, ndcg, rankOf, recallAtK, topK } from '../../metrics/ranking.js';
import type { Scorer } from './models.js';
import type { Interactions } from './split.js';

/** The protocol of He et al. (2017): each test product ranked among 100 sampled ones, top 10 counted. */
export const SAMPLED_NEGATIVES = 100;
export const TOP_K = 10;

/** The metric names every recommender reports, as gates and the registry read them. */
export const rankingMetricNames = ['hr_at_10', 'ndcg_at_10', 'recall_at_10'] as const;

/**
 * The registered model's lead over the popularity baseline on the same lists, so that a gate can
 * ask for what a recommender is for: `ndcg_at_10_over_popularity > 0`.
 */
export const liftMetricNames = ['hr_at_10_over_popularity', 'ndcg_at_10_over_popularity'] as const;

/**
 * The candidates every model ranks, drawn once so that all are ranked on the same lists: for each
 * test pair, the product bought first, then 100 products the customer never bought, distinct.
 */
export interface Candidates {
  users: Int32Array;
  items: Int32Array;
  /** Test pairs; each has 1 + SAMPLED_NEGATIVES candidates. */
  lists: number;
}

export function sampleCandidates(data: Interactions, seed: number): Candidates {
  const count = data.catalogue.length;
  const width = 1 + SAMPLED_NEGATIVES;
  const lists = data.test.reduce((n, c) => n + c.items.length, 0);
  const users = new Int32Array(lists * width);
  const items = new Int32Array(lists * width);
  const draw = uniformStream(seed);
  // Fewer unbought products than negatives wanted (a tiny catalogue): sample with repeats.
  let at = 0;
  for (const { user, items: bought } of data.test) {
    const own = data.bought[user];
    const distinct = count - own.size >= SAMPLED_NEGATIVES;
    for (const item of bought) {
      users.fill(user, at, at + width);
      items[at] = item;
      const taken = new Set<number>();
      for (let k = 1; k < width; k++) {
        let candidate: number;
        do candidate = 1 + Math.floor(draw() * count);
        while (distinct && (own.has(candidate) || taken.has(candidate)));
        taken.add(candidate);
        items[at + k] = candidate;
      }
      at += width;
    }
  }
  return { users, items, lists };
}

/** Each test product's rank (0 = top) among its candidates under `score`. */
export function sampledRanks(score: Scorer, candidates: Candidates): Int32Array {
  const width = 1 + SAMPLED_NEGATIVES;
  const scores = score(candidates.users, candidates.items);
  const ranks = new Int32Array(candidates.lists);
  for (let i = 0; i < candidates.lists; i++)
    ranks[i] = rankOf(scores.subarray(i * width, (i + 1) * width), 0);
  return ranks;
}

export interface Ranking {
  metrics: { hr_at_10: number; ndcg_at_10: number; recall_at_10: number };
  /** Each test customer's top `k` of the whole catalogue, what they bought before left out. */
  lists: number[][];
}

/**
 * HR@10 and NDCG@10 on the sampled candidates, and recall@10 over the whole catalogue (each test
 * customer's top 10 of every product they had not bought before, against what they went on to
 * buy). Each test customer is scored once against the whole catalogue, and their sampled lists
 * are read from that row: the same scores a direct call would give, at a third less work.
 */
export function evaluateRanking(
  score: Scorer,
  data: Interactions,
  candidates: Candidates,
  k = TOP_K,
): Ranking {
  const width = 1 + SAMPLED_NEGATIVES;
  const ranks = new Int32Array(candidates.lists);
  const lists: number[][] = [];
  let list = 0;
  let recall = 0;
  forEachRow(score, data, (customer, row) => {
    const seen = data.seen[customer.user];
    const top = topK(row, Math.max(k, TOP_K), (i) => seen.has(i + 1)).map((i) => i + 1);
    recall += recallAtK(top, new Set(customer.items), TOP_K);
    lists.push(top.slice(0, k));
    const scores = new Float32Array(width);
    for (let n = 0; n < customer.items.length; n++, list++) {
      for (let c = 0; c < width; c++) scores[c] = row[candidates.items[list * width + c] - 1];
      ranks[list] = rankOf(scores, 0);
    }
  });
  return {
    metrics: {
      hr_at_10: hitRate(ranks, TOP_K),
      ndcg_at_10: ndcg(ranks, TOP_K),
      recall_at_10: recall / data.test.length,
    },
    lists,
  };
}

/** Each test customer's scores of the whole catalogue, a few customers per predict call. */
function forEachRow(
  score: Scorer,
  data: Interactions,
  visit: (customer: Interactions['test'][number], row: Float32Array) => void,
): void {
  const count = data.catalogue.length;
  const block = Math.max(1, Math.floor(65_536 / count));
  for (let start = 0; start < data.test.length; start += block) {
    const customers = data.test.slice(start, start + block);
    const users = new Int32Array(customers.length * count);
    const items = new Int32Array(customers.length * count);
    customers.forEach(({ user }, c) => {
      users.fill(user, c * count, (c + 1) * count);
      for (let i = 0; i < count; i++) items[c * count + i] = i + 1;
    });
    const scores = score(users, items);
    customers.forEach((customer, c) => {
      visit(customer, scores.subarray(c * count, (c + 1) * count));
    });
  }
}
