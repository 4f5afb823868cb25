import { TopK } from './topk.js';

/**
 * Querying the relatedness index that `engine.ts` builds. Kept apart from the
 * building, with nothing but typed arrays in the index, so that worker threads
 * can share one index and query it in parallel (see `parallel.ts`).
 *
 * Model, per language that two articles share (an English word and an Arabic
 * word are different terms, so languages are compared separately and the
 * results averaged):
 *
 *   text      cosine of TF-IDF vectors, tf = 3 × title + 2 × summary + body
 *             occurrences, weight (1 + ln tf) × ln(1 + N / df); each article
 *             keeps its `INDEXED_TERMS` heaviest terms and is queried with its
 *             `QUERY_TERMS` heaviest distinctive ones
 *   labels    cosine of tag and category vectors (every level of a category
 *             path), each weighted by rarity ln(1 + N / df)
 *   sim       WEIGHTS.text × text + WEIGHTS.labels × labels
 *   score     mean sim over shared languages
 *             × (1 − WEIGHTS.recency + WEIGHTS.recency × 2^(−apart / halfLife))
 *
 * where `apart` is the whole days between the two articles' dates. So
 * closeness in time breaks ties between equally similar articles but can take
 * at most WEIGHTS.recency of a score away: a strongly similar article of
 * another year still beats a weakly similar one of the same week. For the
 * newest articles that is a preference for newer ones. It depends on the two
 * articles alone, never on the clock or on the newest article of the archive:
 * a statement published today does not reorder the lists of articles it does
 * not enter (measured from the newest article, a post dated three days after
 * it rewrote 465 files of a 5,000-article site, against 57 for one dated
 * within the archive). Articles without a language in common are not
 * compared: their words and labels are different terms.
 */
export const WEIGHTS = {
  text: 0.6,
  labels: 0.4,
  recency: 0.2,
} as const;

/** Terms kept per article version in the index. */
export const INDEXED_TERMS = 48;
/** Terms an article is queried with, per version. */
export const QUERY_TERMS = 12;
/**
 * Entries walked per query term and per label. Term postings are ordered by
 * weight (impact order) and label postings by date, so a query visits the
 * articles where a term weighs most, and the articles of a common label
 * closest in time to its own: bounded work per query whatever the archive
 * size, and a new article changes the walk of only the articles of its
 * labels closest to it in time. A term keeps no more postings than this in
 * the index.
 */
export const POSTINGS_WALKED = 64;
/** Candidates re-scored exactly (with every shared label) before the final cut, at least. */
const SHORTLIST = 12;
const NONE: ReadonlySet<number> = new Set();

/**
 * The index, as flat arrays. Versions are indexed by slot, article ×
 * languages + lang, so that the versions of one article sit side by side: at
 * archive scale a query visits thousands of scattered versions, and one
 * object each would cost a cache miss each.
 */
export interface SearchIndex {
  readonly articles: number;
  readonly languages: number;
  /** Each article's date, in whole days since 1970 (UTC). */
  readonly day: Int32Array;
  /** The closeness factor by whole days apart, as far as it is tabled (see `closenessOf`). */
  readonly closeness: Float64Array;
  /** Days apart at which the preference for closeness halves; Infinity when there is none. */
  readonly halfLifeDays: number;
  /** Label norm of each version, -1 where the article has no version in that language. */
  readonly labelNorms: Float64Array;
  /** A version's indexed terms (at most INDEXED_TERMS, heaviest first) from slot × INDEXED_TERMS, with cosine-normalised weights. */
  readonly termCount: Uint8Array;
  readonly slotTerms: Int32Array;
  readonly slotWeights: Float32Array;
  /** A version's query (at most QUERY_TERMS of its heaviest terms that other articles share) from slot × QUERY_TERMS, weights of unit length. */
  readonly queryCount: Uint8Array;
  readonly slotQuery: Int32Array;
  readonly slotQueryWeights: Float32Array;
  /** A version's label ids (tags and category levels), ascending, at [labelStart[slot], labelStart[slot + 1]). */
  readonly labelStart: Int32Array;
  readonly slotLabels: Int32Array;
  readonly labelIdf: Float64Array;
  /** Term `id`'s heaviest postings (articles, weights), heaviest first, at [termPostStart[id], termPostStart[id + 1]). */
  readonly termPostStart: Int32Array;
  readonly termPostArticle: Int32Array;
  readonly termPostWeight: Float32Array;
  /** Label `id`'s articles, oldest first (then by index), at [labelPostStart[id], labelPostStart[id + 1]). */
  readonly labelPostStart: Int32Array;
  readonly labelPostArticle: Int32Array;
}

export interface ScoredPair {
  /** Index of the other article in the engine's order. */
  readonly other: number;
  readonly score: number;
}

/** What two articles share, gathered by `Searcher.pair` on request: term ids, and labels by their position in `slotLabels`. */
export interface Shared {
  readonly terms: { id: number; contribution: number }[];
  readonly labels: number[];
}

/** Queries one index; holds the scratch space of a query, so each thread has its own. */
export class Searcher {
  /**
   * Partial sums of the current query, by slot: the text sum of a version at
   * 2 × slot, its label sum just after.
   */
  private readonly acc: Float64Array;
  private readonly stamp: Int32Array;
  private readonly touched: Int32Array;
  private epoch = 0;
  private shortlist = new TopK(SHORTLIST);
  /** The query weight of each term while `withQueryOf` runs, 0 elsewhere. */
  private readonly queryWeight: Float64Array;

  constructor(private readonly index: SearchIndex) {
    this.acc = new Float64Array(2 * index.labelNorms.length);
    this.stamp = new Int32Array(index.articles);
    this.touched = new Int32Array(index.articles);
    this.queryWeight = new Float64Array(index.termPostStart.length - 1);
  }

  /**
   * The `count` articles most related to article `article`, best first, never
   * itself, without those in `exclude`. Candidates come only from the
   * postings of its query terms (the first POSTINGS_WALKED of each) and of
   * its labels (the POSTINGS_WALKED closest in time); the best of them by
   * that partial score are scored exactly and ranked by score, then by key.
   */
  query(article: number, count: number, exclude: ReadonlySet<number> = NONE): ScoredPair[] {
    if (count <= 0) return [];
    const { languages, termPostStart, termPostArticle, termPostWeight, labelPostStart, labelPostArticle, labelStart, slotLabels, labelIdf } = this.index;
    const { queryCount, slotQuery, slotQueryWeights, labelNorms, day } = this.index;
    const myDay = day[article] ?? 0;
    const { stamp, touched, acc } = this;
    const epoch = ++this.epoch;
    let touchedCount = 0;
    for (let lang = 0; lang < languages; lang++) {
      const mine = article * languages + lang;
      if ((labelNorms[mine] ?? -1) < 0) continue;
      for (let q = mine * QUERY_TERMS, end = q + (queryCount[mine] ?? 0); q < end; q++) {
        const id = slotQuery[q] ?? 0;
        const weight = slotQueryWeights[q] ?? 0;
        const start = termPostStart[id] ?? 0;
        const stop = Math.min(termPostStart[id + 1] ?? 0, start + POSTINGS_WALKED);
        for (let p = start; p < stop; p++) {
          const other = termPostArticle[p] ?? 0;
          const at = 2 * (other * languages + lang);
          acc[at] = (acc[at] ?? 0) + weight * (termPostWeight[p] ?? 0);
          if (stamp[other] !== epoch) {
            stamp[other] = epoch;
            touched[touchedCount++] = other;
          }
        }
      }
      for (let l = labelStart[mine] ?? 0, end = labelStart[mine + 1] ?? 0; l < end; l++) {
        const id = slotLabels[l] ?? 0;
        const idf = labelIdf[id] ?? 0;
        const square = idf * idf;
        const walked = closestInTime(labelPostArticle, day, labelPostStart[id] ?? 0, labelPostStart[id + 1] ?? 0, myDay, article);
        for (let p = walked.from; p < walked.to; p++) {
          const other = labelPostArticle[p] ?? 0;
          const at = 2 * (other * languages + lang) + 1;
          acc[at] = (acc[at] ?? 0) + square;
          if (stamp[other] !== epoch) {
            stamp[other] = epoch;
            touched[touchedCount++] = other;
          }
        }
      }
    }
    const mineNorms = labelNorms.subarray(article * languages, (article + 1) * languages);
    const excluding = exclude.size > 0;
    const shortlist = this.shortlistFor(count);
    for (let t = 0; t < touchedCount; t++) {
      const other = touched[t] ?? 0;
      let sum = 0;
      let shared = 0;
      for (let lang = 0; lang < languages; lang++) {
        const slot = other * languages + lang;
        const mine = mineNorms[lang] ?? -1;
        const theirs = labelNorms[slot] ?? -1;
        if (mine >= 0 && theirs >= 0) {
          const labelNorm = mine * theirs;
          sum += WEIGHTS.text * (acc[2 * slot] ?? 0) + (labelNorm > 0 ? (WEIGHTS.labels * (acc[2 * slot + 1] ?? 0)) / labelNorm : 0);
          shared++;
        }
        acc[2 * slot] = 0;
        acc[2 * slot + 1] = 0;
      }
      if (shared > 0 && other !== article && !(excluding && exclude.has(other))) shortlist.push((sum / shared) * closenessOf(this.index, myDay, day[other] ?? 0), other);
    }
    // Exact scores (common labels included) for the shortlist, then the final cut.
    const scored = this.withQueryOf(article, () => shortlist.sortedIds().map((other) => ({ other, score: this.pair(article, other, undefined) })));
    scored.sort((a, b) => b.score - a.score || a.other - b.other);
    return scored.slice(0, count);
  }

  /** The exact score of `other` as related to `article`; what they share goes into `shared` if given. */
  score(article: number, other: number, shared?: Shared): number {
    return this.withQueryOf(article, () => this.pair(article, other, shared));
  }

  private shortlistFor(count: number): TopK {
    const capacity = Math.max(SHORTLIST, count * 2);
    if (this.shortlist.capacity !== capacity) this.shortlist = new TopK(capacity);
    this.shortlist.clear();
    return this.shortlist;
  }

  /** Runs `score` with the query weights of `article` (every language) spread over `queryWeight`, and clears them after. */
  private withQueryOf<T>(article: number, score: () => T): T {
    const { languages, slotQuery, slotQueryWeights, queryCount } = this.index;
    const { queryWeight } = this;
    const spread = (clear: boolean): void => {
      for (let slot = article * languages; slot < (article + 1) * languages; slot++) {
        for (let q = slot * QUERY_TERMS, end = q + (queryCount[slot] ?? 0); q < end; q++) queryWeight[slotQuery[q] ?? 0] = clear ? 0 : (slotQueryWeights[q] ?? 0);
      }
    };
    spread(false);
    try {
      return score();
    } finally {
      spread(true);
    }
  }

  /** The exact score of `other` for `article`, within `withQueryOf(article)`. */
  private pair(article: number, other: number, shared: Shared | undefined): number {
    const { languages, labelIdf, labelNorms, labelStart, slotLabels, slotTerms, slotWeights, termCount, day } = this.index;
    const { queryWeight } = this;
    let sum = 0;
    let sharedLanguages = 0;
    for (let lang = 0; lang < languages; lang++) {
      const mine = article * languages + lang;
      const theirs = other * languages + lang;
      const mineNorm = labelNorms[mine] ?? -1;
      const theirNorm = labelNorms[theirs] ?? -1;
      if (mineNorm < 0 || theirNorm < 0) continue;
      sharedLanguages++;
      let text = 0;
      for (let at = theirs * INDEXED_TERMS, end = at + (termCount[theirs] ?? 0); at < end; at++) {
        const id = slotTerms[at] ?? 0;
        const weight = queryWeight[id] ?? 0;
        if (weight > 0) {
          const contribution = weight * (slotWeights[at] ?? 0);
          text += contribution;
          shared?.terms.push({ id, contribution });
        }
      }
      // Labels both carry: a merge of the two ascending lists.
      let labels = 0;
      const [mineEnd, theirEnd] = [labelStart[mine + 1] ?? 0, labelStart[theirs + 1] ?? 0];
      for (let i = labelStart[mine] ?? 0, j = labelStart[theirs] ?? 0; i < mineEnd && j < theirEnd; ) {
        const x = slotLabels[i] ?? 0;
        const y = slotLabels[j] ?? 0;
        if (x < y) i++;
        else if (x > y) j++;
        else {
          const idf = labelIdf[x] ?? 0;
          labels += idf * idf;
          shared?.labels.push(i);
          i++;
          j++;
        }
      }
      const labelNorm = mineNorm * theirNorm;
      sum += WEIGHTS.text * text + (labelNorm > 0 ? (WEIGHTS.labels * labels) / labelNorm : 0);
    }
    return sharedLanguages > 0 ? round((sum / sharedLanguages) * closenessOf(this.index, day[article] ?? 0, day[other] ?? 0)) : 0;
  }
}

/** The closeness factor of two articles dated `a` and `b` (whole days): from the table, or worked out past it. */
function closenessOf(index: Pick<SearchIndex, 'closeness' | 'halfLifeDays'>, a: number, b: number): number {
  const apart = Math.abs(a - b);
  return apart < index.closeness.length ? (index.closeness[apart] ?? 1) : closenessAt(apart, index.halfLifeDays);
}

/** The closeness factor of two articles `apart` whole days apart (see the model above). */
export function closenessAt(apart: number, halfLifeDays: number): number {
  return 1 - WEIGHTS.recency + WEIGHTS.recency * 2 ** (-apart / halfLifeDays);
}

/**
 * The POSTINGS_WALKED postings of [start, stop) (ordered by date, then by
 * article index) closest in time to `day`, as one run [from, to): the run
 * that holds the article itself, widened on whichever side is closer, the
 * later side on a tie. Found by a binary search on the dates.
 */
function closestInTime(articles: Int32Array, days: Int32Array, start: number, stop: number, day: number, article: number): { from: number; to: number } {
  if (stop - start <= POSTINGS_WALKED) return { from: start, to: stop };
  // The first posting after the article's own place: dated later, or as late with a greater index.
  let [lo, hi] = [start, stop];
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const other = articles[mid] ?? 0;
    const otherDay = days[other] ?? 0;
    if (otherDay < day || (otherDay === day && other <= article)) lo = mid + 1;
    else hi = mid;
  }
  let [from, to] = [lo, lo];
  while (to - from < POSTINGS_WALKED) {
    if (from === start) to++;
    else if (to === stop) from--;
    else if (day - (days[articles[from - 1] ?? 0] ?? 0) < (days[articles[to] ?? 0] ?? 0) - day) from--;
    else to++;
  }
  return { from, to };
}

/** Rounded to 4 decimals, the precision of the output, so that ranking and output agree. */
function round(score: number): number {
  return Math.round(score * 10_000) / 10_000;
}
