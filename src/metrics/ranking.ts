import { ValueError } from '../tensor/errors.js';

/**
 * Ranking metrics of a recommender, over plain arrays, as He et al. define them for "Neural
 * Collaborative Filtering" (2017): each held-out item is ranked among sampled items the user never
 * touched, and a list of the top `k` either holds it (a hit) or not. Ranks are 0-based: rank 0 is
 * the top of the list.
 */

/**
 * The rank of `scores[target]` among `scores`: how many candidates score strictly higher, plus
 * half of those that tie with it (rounded down), so that a model that scores everything alike
 * ranks the target in the middle rather than at the top.
 */
export function rankOf(scores: ArrayLike<number>, target: number): number {
  if (!(Number.isInteger(target) && target >= 0 && target < scores.length))
    throw new ValueError(`rankOf: target ${target} is not an index of the ${scores.length} scores`);
  const own = scores[target];
  if (Number.isNaN(own)) throw new ValueError(`rankOf: scores[${target}] is NaN`);
  let higher = 0;
  let ties = 0;
  for (let i = 0; i < scores.length; i++) {
    if (i === target) continue;
    if (scores[i] > own) higher++;
    else if (scores[i] === own) ties++;
  }
  return higher + Math.floor(ties / 2);
}

function checkK(op: string, k: number): void {
  if (!(Number.isInteger(k) && k >= 1)) throw new ValueError(`${op}: k is ${k}, expected a whole number ≥ 1`);
}

function checkRanks(op: string, ranks: ArrayLike<number>): void {
  if (ranks.length === 0) throw new ValueError(`${op}: no ranks; there is nothing to evaluate`);
  for (let i = 0; i < ranks.length; i++)
    if (!(Number.isInteger(ranks[i]) && ranks[i] >= 0))
      throw new ValueError(`${op}: ranks[${i}] is ${ranks[i]}, expected a whole number ≥ 0 (0 is the top)`);
}

/** HR@k: the share of held-out items ranked within the top k. */
export function hitRate(ranks: ArrayLike<number>, k: number): number {
  checkK('hitRate', k);
  checkRanks('hitRate', ranks);
  let hits = 0;
  for (let i = 0; i < ranks.length; i++) if (ranks[i] < k) hits++;
  return hits / ranks.length;
}

/**
 * NDCG@k with one relevant item per list: 1 / log2(rank + 2) when it is in the top k, else 0 (the
 * ideal list has it first, so the ideal DCG is 1), averaged over the lists.
 */
export function ndcg(ranks: ArrayLike<number>, k: number): number {
  checkK('ndcg', k);
  checkRanks('ndcg', ranks);
  let sum = 0;
  for (let i = 0; i < ranks.length; i++) if (ranks[i] < k) sum += 1 / Math.log2(ranks[i] + 2);
  return sum / ranks.length;
}

/**
 * Recall@k of one user's list: the share of the items they went on to buy (`relevant`) that the top
 * `k` of `recommended` holds. A user with nothing relevant has no recall: pass only users who do.
 */
export function recallAtK(recommended: readonly number[], relevant: ReadonlySet<number>, k: number): number {
  checkK('recallAtK', k);
  if (relevant.size === 0) throw new ValueError('recallAtK: no relevant items; recall is undefined');
  let found = 0;
  for (const item of recommended.slice(0, k)) if (relevant.has(item)) found++;
  return found / relevant.size;
}

/**
 * The indices of the `k` highest scores, best first (ties to the lower index); indices where
 * `skip` is true are never chosen. One pass with a small sorted buffer: O(n·k), no full sort.
 */
export function topK(scores: ArrayLike<number>, k: number, skip?: (index: number) => boolean): number[] {
  checkK('topK', k);
  const best: number[] = [];
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i];
    if (Number.isNaN(s) || skip?.(i)) continue;
    if (best.length === k && s <= scores[best[k - 1]]) continue;
    let at = best.length === k ? k - 1 : best.length;
    while (at > 0 && scores[best[at - 1]] < s) at--;
    best.splice(at, 0, i);
    if (best.length > k) best.pop();
  }
  return best;
}
