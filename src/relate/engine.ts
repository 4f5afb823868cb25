import type { Post } from '../model.js';
import { normalizeLabel } from './normalize.js';
import { CanonicalCounts, canonicalTerms, type CanonicalTerms, type TermCounts, type TermIndex } from './terms.js';
import { TopK } from './topk.js';

/**
 * The relatedness engine: an inverted index over the terms, tags and
 * categories of every article, queried with each article's most distinctive
 * terms. Never compares all pairs; memory is a few typed arrays.
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
 *             × (1 − WEIGHTS.recency + WEIGHTS.recency × 2^(−age / halfLife))
 *
 * so recency breaks ties between equally similar articles but can take at most
 * WEIGHTS.recency of a score away: a strongly similar old article still beats
 * a weakly similar new one. Age is measured from a reference date (the newest
 * article by default), never from the clock. Articles without a language in
 * common are not compared: their words and labels are different terms.
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
 * weight (impact order) and label postings newest first, so a query visits
 * the articles where a term weighs most, and the newest articles of a common
 * label: bounded work per query whatever the archive size. A term keeps no
 * more postings than this in the index.
 */
export const POSTINGS_WALKED = 64;
/** Candidates re-scored exactly (with every shared label) before the final cut, at least. */
const SHORTLIST = 12;
const NONE: ReadonlySet<number> = new Set();

const DAY_MS = 86_400_000;

/** What the engine needs to know of an article: its versions, in any order, and its date. */
export interface EngineArticle {
  readonly key: string;
  readonly versions: ReadonlyMap<string, Post>;
  readonly newest: Date;
}

export interface EngineOptions {
  /** The term counts of every version, taken when the posts were loaded. */
  readonly terms: TermIndex;
  /** Half-life of the recency preference, in days. */
  readonly halfLifeDays: number;
  /** Ages are measured from here. */
  readonly reference: Date;
}

export interface ScoredPair {
  /** Index of the other article in the engine's order. */
  readonly other: number;
  readonly score: number;
}

export interface PairReasons {
  readonly sharedTags: string[];
  readonly sharedCategories: string[];
  readonly topTerms: string[];
  readonly ageDays: number;
}

/** One version of an article awaiting weighting: where it goes, and its raw counts. */
interface RawVersion {
  /** article × languages + lang: the versions of one article sit side by side. */
  readonly slot: number;
  readonly lang: number;
  readonly counts: TermCounts;
}

const LABEL_TAG = 0;
const LABEL_CATEGORY = 1;

export class RelatednessEngine<A extends EngineArticle = EngineArticle> {
  /** Articles sorted by key: an article's index is its rank, so ties broken by index are broken by key. */
  readonly articles: readonly A[];
  private readonly languages: string[];
  private readonly recency: Float64Array;
  private readonly ageDays: Int32Array;

  // Versions, in flat arrays indexed by slot (article × languages + lang): at archive scale a query
  // visits thousands of scattered versions, and one object each would cost a cache miss each.
  /** Label norm of each version, -1 where the article has no version in that language. */
  private labelNorms = new Float64Array(0);
  /** A version's indexed terms (at most INDEXED_TERMS, heaviest first) at slot × INDEXED_TERMS, with cosine-normalised weights. */
  private termCount = new Uint8Array(0);
  private slotTerms = new Int32Array(0);
  private slotWeights = new Float32Array(0);
  /** A version's query (at most QUERY_TERMS of its heaviest terms that other articles share) at slot × QUERY_TERMS, weights of unit length. */
  private queryCount = new Uint8Array(0);
  private slotQuery = new Int32Array(0);
  private slotQueryWeights = new Float32Array(0);
  /** A version's label ids (tags and category levels), ascending, from labelStart[slot]; each as the version writes it in labelNames. */
  private labelStart = new Int32Array(1);
  private slotLabels = new Int32Array(0);
  private slotLabelNames: string[] = [];

  // terms
  private termForm: string[] = [];
  private termPostStart: Int32Array = new Int32Array(1);
  private termPostArticle: Int32Array = new Int32Array(0);
  private termPostWeight: Float32Array = new Float32Array(0);

  // labels
  private readonly labelIds = new Map<string, number>();
  private readonly normalizedLabels = new Map<string, string>();
  private readonly labelKind: number[] = [];
  private readonly labelLang: number[] = [];
  private readonly labelIdf: number[] = [];
  private labelPostStart = new Int32Array(1);
  private labelPostArticle = new Int32Array(0);

  // query scratch
  /**
   * Partial sums of the current query, by slot: the text sum of a version at
   * 2 × slot, its label sum just after.
   */
  private readonly acc: Float64Array;
  private readonly stamp: Int32Array;
  private readonly touched: Int32Array;
  private epoch = 0;
  private shortlist = new TopK(SHORTLIST);
  private queryWeight = new Float64Array(0);

  constructor(articles: readonly A[], options: EngineOptions) {
    this.articles = [...articles].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const n = this.articles.length;
    this.languages = [...new Set(this.articles.flatMap((article) => [...article.versions.keys()]))].sort();

    const reference = options.reference.getTime();
    const halfLife = options.halfLifeDays > 0 ? options.halfLifeDays : Number.POSITIVE_INFINITY;
    this.recency = new Float64Array(n);
    this.ageDays = new Int32Array(n);
    this.articles.forEach((article, index) => {
      const age = Math.max(0, (reference - article.newest.getTime()) / DAY_MS);
      this.ageDays[index] = Math.floor(age);
      this.recency[index] = 1 - WEIGHTS.recency + WEIGHTS.recency * 2 ** (-age / halfLife);
    });

    const { raw, canonical } = this.analyse(options.terms);
    const perLanguage = this.languages.map((_, lang) => raw.filter((version) => version.lang === lang).length);
    this.weighTerms(raw, perLanguage, new CanonicalCounts(canonical));
    this.indexLabels(perLanguage);
    this.prepareQueries();

    this.acc = new Float64Array(2 * this.labelNorms.length);
    this.stamp = new Int32Array(n);
    this.touched = new Int32Array(n);
  }

  get size(): number {
    return this.articles.length;
  }

  // ------------------------------------------------------------ building

  /** Each version's labels, and its term counts renumbered for ranking. */
  private analyse(terms: TermIndex): { raw: RawVersion[]; canonical: CanonicalTerms } {
    const languages = this.languages.length;
    const slots = this.articles.length * languages;
    this.labelNorms = new Float64Array(slots).fill(-1);
    const raw: RawVersion[] = [];
    const labels: number[] = [];
    const labelStart = new Int32Array(slots + 1);
    this.articles.forEach((article, index) => {
      for (let lang = 0; lang < languages; lang++) {
        const slot = index * languages + lang;
        const post = article.versions.get(this.languages[lang] ?? '');
        if (post) {
          this.labelNorms[slot] = 0;
          this.labelsOf(post, lang, labels);
          raw.push({ slot, lang, counts: terms.of(post) });
        }
        labelStart[slot + 1] = labels.length;
      }
    });
    this.labelStart = labelStart;
    this.slotLabels = Int32Array.from(labels);
    const canonical = canonicalTerms(terms, raw.map((version) => version.counts));
    this.termForm = canonical.forms;
    return { raw, canonical };
  }

  /** Appends to `labels` the tag and category-level label ids of one version, ascending and distinct, and to slotLabelNames the names it gives them. */
  private labelsOf(post: Post, lang: number, labels: number[]): void {
    const names = new Map<number, string>();
    const add = (kind: number, key: string, display: string): void => {
      const mapKey = `${lang}\u0000${kind}\u0000${key}`;
      let id = this.labelIds.get(mapKey);
      if (id === undefined) {
        id = this.labelKind.length;
        this.labelIds.set(mapKey, id);
        this.labelKind.push(kind);
        this.labelLang.push(lang);
        this.labelIdf.push(0);
      }
      if (!names.has(id)) names.set(id, display);
    };
    for (const tag of post.tags) {
      const key = this.normalizedLabel(tag);
      if (key) add(LABEL_TAG, key, tag);
    }
    for (const path of post.categories) {
      for (let depth = 1; depth <= path.length; depth++) {
        const levels = path.slice(0, depth);
        add(LABEL_CATEGORY, levels.map((level) => this.normalizedLabel(level)).join('/'), levels.join('/'));
      }
    }
    for (const id of [...names.keys()].sort((a, b) => a - b)) {
      labels.push(id);
      this.slotLabelNames.push(names.get(id) ?? '');
    }
  }

  /** `normalizeLabel`, remembered: an archive uses a few hundred labels tens of thousands of times. */
  private normalizedLabel(label: string): string {
    let normalized = this.normalizedLabels.get(label);
    if (normalized === undefined) {
      normalized = normalizeLabel(label);
      this.normalizedLabels.set(label, normalized);
    }
    return normalized;
  }

  /** TF-IDF weights, cosine normalisation, pruning to INDEXED_TERMS, and the term postings. */
  private weighTerms(raw: RawVersion[], perLanguage: number[], reader: CanonicalCounts): void {
    const termCount = this.termForm.length;
    const df = new Int32Array(termCount);
    const termLang = new Int32Array(termCount);
    for (const version of raw) {
      const { ids, length } = reader.read(version.counts);
      for (let i = 0; i < length; i++) {
        const id = ids[i] ?? 0;
        df[id] = (df[id] ?? 0) + 1;
        termLang[id] = version.lang;
      }
    }
    const idf = Float64Array.from(df, (documents, id) => (documents > 0 ? Math.log(1 + (perLanguage[termLang[id] ?? 0] ?? 1) / documents) : 0));
    const logTf = Float64Array.from({ length: 1024 }, (_, tf) => 1 + Math.log(Math.max(1, tf)));
    const slots = this.labelNorms.length;
    this.termCount = new Uint8Array(slots);
    this.slotTerms = new Int32Array(slots * INDEXED_TERMS);
    this.slotWeights = new Float32Array(slots * INDEXED_TERMS);
    const postingCount = new Int32Array(termCount + 1);
    let weights = new Float64Array(1024);
    let work = new Float64Array(1024);
    let chosen = new Int32Array(1024);
    for (const { slot, counts: versionCounts } of raw) {
      const { ids, counts, length } = reader.read(versionCounts);
      if (length > weights.length) {
        weights = new Float64Array(length * 2);
        work = new Float64Array(length * 2);
        chosen = new Int32Array(length * 2);
      }
      let norm = 0;
      for (let i = 0; i < length; i++) {
        const tf = counts[i] ?? 1;
        const weight = (tf < 1024 ? (logTf[tf] ?? 1) : 1 + Math.log(tf)) * (idf[ids[i] ?? 0] ?? 0);
        weights[i] = weight;
        norm += weight * weight;
      }
      norm = Math.sqrt(norm) || 1;
      const kept = heaviest(ids, weights, length, INDEXED_TERMS, work, chosen);
      this.termCount[slot] = kept;
      for (let k = 0, at = slot * INDEXED_TERMS; k < kept; k++, at++) {
        const i = chosen[k] ?? 0;
        const id = ids[i] ?? 0;
        this.slotTerms[at] = id;
        this.slotWeights[at] = (weights[i] ?? 0) / norm;
        postingCount[id + 1] = (postingCount[id + 1] ?? 0) + 1;
      }
    }
    for (let id = 0; id < termCount; id++) postingCount[id + 1] = (postingCount[id + 1] ?? 0) + (postingCount[id] ?? 0);
    const total = postingCount[termCount] ?? 0;
    const cursor = postingCount.slice(0, termCount);
    const all = { start: postingCount, articles: new Int32Array(total), weights: new Float32Array(total) };
    const languages = this.languages.length;
    for (let slot = 0; slot < slots; slot++) {
      const article = Math.floor(slot / languages);
      for (let at = slot * INDEXED_TERMS, end = at + (this.termCount[slot] ?? 0); at < end; at++) {
        const id = this.slotTerms[at] ?? 0;
        const to = cursor[id] ?? 0;
        all.articles[to] = article;
        all.weights[to] = this.slotWeights[at] ?? 0;
        cursor[id] = to + 1;
      }
    }
    const postings = heaviestPostings(all, POSTINGS_WALKED);
    this.termPostStart = postings.start;
    this.termPostArticle = postings.articles;
    this.termPostWeight = postings.weights;
    this.queryWeight = new Float64Array(termCount);
  }

  /** Label idf, each version's label norm, and the label postings. */
  private indexLabels(perLanguage: number[]): void {
    const labelCount = this.labelKind.length;
    const { labelStart, slotLabels, labelNorms } = this;
    const languages = this.languages.length;
    const start = new Int32Array(labelCount + 1);
    for (const id of slotLabels) start[id + 1] = (start[id + 1] ?? 0) + 1;
    for (let id = 0; id < labelCount; id++) {
      const df = start[id + 1] ?? 0;
      this.labelIdf[id] = df > 0 ? Math.log(1 + (perLanguage[this.labelLang[id] ?? 0] ?? 1) / df) : 0;
      start[id + 1] = (start[id + 1] ?? 0) + (start[id] ?? 0);
    }
    const cursor = start.slice(0, labelCount);
    this.labelPostArticle = new Int32Array(start[labelCount] ?? 0);
    for (let slot = 0; slot < labelNorms.length; slot++) {
      if ((labelNorms[slot] ?? -1) < 0) continue;
      let norm = 0;
      for (let at = labelStart[slot] ?? 0, end = labelStart[slot + 1] ?? 0; at < end; at++) {
        const id = slotLabels[at] ?? 0;
        const idf = this.labelIdf[id] ?? 0;
        norm += idf * idf;
        const to = cursor[id] ?? 0;
        this.labelPostArticle[to] = Math.floor(slot / languages);
        cursor[id] = to + 1;
      }
      labelNorms[slot] = Math.sqrt(norm);
    }
    this.labelPostStart = start;
    // Newest first, then by key: sort ranks in that order, then map them back to articles.
    const byDate = Array.from(this.articles, (_, index) => index).sort(
      (a, b) => (this.articles[b]?.newest.getTime() ?? 0) - (this.articles[a]?.newest.getTime() ?? 0) || a - b,
    );
    const rank = new Int32Array(this.articles.length);
    byDate.forEach((article, position) => (rank[article] = position));
    const ranks = Int32Array.from(this.labelPostArticle, (article) => rank[article] ?? 0);
    for (let id = 0; id < labelCount; id++) ranks.subarray(start[id] ?? 0, start[id + 1] ?? 0).sort();
    ranks.forEach((position, p) => (this.labelPostArticle[p] = byDate[position] ?? 0));
  }

  /** Chooses each version's query: its heaviest terms that other articles share. */
  private prepareQueries(): void {
    const slots = this.labelNorms.length;
    this.queryCount = new Uint8Array(slots);
    this.slotQuery = new Int32Array(slots * QUERY_TERMS);
    this.slotQueryWeights = new Float32Array(slots * QUERY_TERMS);
    for (let slot = 0; slot < slots; slot++) {
      const first = slot * QUERY_TERMS;
      let count = 0;
      let norm = 0;
      for (let at = slot * INDEXED_TERMS, end = at + (this.termCount[slot] ?? 0); at < end && count < QUERY_TERMS; at++) {
        const id = this.slotTerms[at] ?? 0;
        const postings = (this.termPostStart[id + 1] ?? 0) - (this.termPostStart[id] ?? 0);
        if (postings <= 1) continue;
        const weight = this.slotWeights[at] ?? 0;
        this.slotQuery[first + count] = id;
        this.slotQueryWeights[first + count] = weight;
        norm += weight * weight;
        count++;
      }
      norm = Math.sqrt(norm) || 1;
      for (let q = first; q < first + count; q++) this.slotQueryWeights[q] = (this.slotQueryWeights[q] ?? 0) / norm;
      this.queryCount[slot] = count;
    }
  }

  // ------------------------------------------------------------ querying

  /** Index of an article key, or -1. */
  indexOf(key: string): number {
    let lo = 0;
    let hi = this.articles.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const midKey = this.articles[mid]?.key ?? '';
      if (midKey === key) return mid;
      if (midKey < key) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /**
   * The `count` articles most related to article `index`, best first, never
   * itself, without those in `exclude`. Candidates come only from the
   * postings of its query terms and of its labels (the first
   * POSTINGS_WALKED of each); the best of them by that partial score are
   * scored exactly and ranked by score, then by key.
   */
  query(index: number, count: number, exclude: ReadonlySet<number> = NONE): ScoredPair[] {
    if (count <= 0) return [];
    const languages = this.languages.length;
    const epoch = ++this.epoch;
    const { stamp, touched, acc, termPostStart, termPostArticle, termPostWeight, labelPostStart, labelPostArticle, labelStart, slotLabels } = this;
    const { queryCount, slotQuery, slotQueryWeights } = this;
    let touchedCount = 0;
    for (let lang = 0; lang < languages; lang++) {
      const mine = index * languages + lang;
      if ((this.labelNorms[mine] ?? -1) < 0) continue;
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
        const start = labelPostStart[id] ?? 0;
        const stop = Math.min(labelPostStart[id + 1] ?? 0, start + POSTINGS_WALKED);
        const idf = this.labelIdf[id] ?? 0;
        const square = idf * idf;
        for (let p = start; p < stop; p++) {
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
    const { labelNorms, recency } = this;
    const mineNorms = labelNorms.subarray(index * languages, (index + 1) * languages);
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
      if (shared > 0 && other !== index && !(excluding && exclude.has(other))) shortlist.push((sum / shared) * (recency[other] ?? 1), other);
    }
    // Exact scores (common labels included) for the shortlist, then the final cut.
    const scored = this.withQueryOf(index, () => shortlist.sortedIds().map((other) => ({ other, score: this.pair(index, other, undefined) })));
    scored.sort((a, b) => b.score - a.score || a.other - b.other);
    return scored.slice(0, count);
  }

  private shortlistFor(count: number): TopK {
    const capacity = Math.max(SHORTLIST, count * 2);
    if (this.shortlist.capacity !== capacity) this.shortlist = new TopK(capacity);
    this.shortlist.clear();
    return this.shortlist;
  }

  /** The score of `other` as related to `index`. */
  pairScore(index: number, other: number): number {
    return this.withQueryOf(index, () => this.pair(index, other, undefined));
  }

  /** The score of `other` as related to `index`, with what the two share. */
  explain(index: number, other: number): { score: number; reasons: PairReasons } {
    const shared: Shared = { terms: [], tags: [], categories: [] };
    const score = this.withQueryOf(index, () => this.pair(index, other, shared));
    const byIdf = (a: SharedLabel, b: SharedLabel): number => (this.labelIdf[b.id] ?? 0) - (this.labelIdf[a.id] ?? 0) || compareText(a.name, b.name);
    const paths = shared.categories.map((label) => label.name);
    return {
      score,
      reasons: {
        sharedTags: distinct(shared.tags.sort(byIdf).map((label) => label.name)),
        // A shared "Statements/Joint Statements" says more than the "Statements" it implies.
        sharedCategories: distinct(
          shared.categories
            .sort(byIdf)
            .filter((label) => !paths.some((path) => path.startsWith(`${label.name}/`)))
            .map((label) => label.name),
        ),
        topTerms: distinct(shared.terms.sort((a, b) => b.contribution - a.contribution || a.id - b.id).map((term) => this.termForm[term.id] ?? '')).slice(0, 5),
        ageDays: this.ageDays[other] ?? 0,
      },
    };
  }

  /** Runs `score` with the query weights of `index` (every language) spread over `queryWeight`, and clears them after. */
  private withQueryOf<T>(index: number, score: () => T): T {
    const languages = this.languages.length;
    const first = index * languages * QUERY_TERMS;
    const { queryWeight, slotQuery, slotQueryWeights, queryCount } = this;
    const queryEnd = (lang: number): number => first + lang * QUERY_TERMS + (queryCount[index * languages + lang] ?? 0);
    for (let lang = 0; lang < languages; lang++) {
      for (let q = first + lang * QUERY_TERMS; q < queryEnd(lang); q++) queryWeight[slotQuery[q] ?? 0] = slotQueryWeights[q] ?? 0;
    }
    try {
      return score();
    } finally {
      for (let lang = 0; lang < languages; lang++) for (let q = first + lang * QUERY_TERMS; q < queryEnd(lang); q++) queryWeight[slotQuery[q] ?? 0] = 0;
    }
  }

  /** The exact score of `other` for `index`, within `withQueryOf(index)`; what they share goes into `shared` if given. */
  private pair(index: number, other: number, shared: Shared | undefined): number {
    const languages = this.languages.length;
    const { queryWeight, labelIdf, labelNorms, labelStart, slotLabels, slotTerms, slotWeights, termCount } = this;
    let sum = 0;
    let sharedLanguages = 0;
    for (let lang = 0; lang < languages; lang++) {
      const mine = index * languages + lang;
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
      const [aEnd, bEnd] = [labelStart[mine + 1] ?? 0, labelStart[theirs + 1] ?? 0];
      for (let i = labelStart[mine] ?? 0, j = labelStart[theirs] ?? 0; i < aEnd && j < bEnd; ) {
        const x = slotLabels[i] ?? 0;
        const y = slotLabels[j] ?? 0;
        if (x < y) i++;
        else if (x > y) j++;
        else {
          const idf = labelIdf[x] ?? 0;
          labels += idf * idf;
          if (shared) (this.labelKind[x] === LABEL_TAG ? shared.tags : shared.categories).push({ id: x, name: this.slotLabelNames[i] ?? '' });
          i++;
          j++;
        }
      }
      const labelNorm = mineNorm * theirNorm;
      sum += WEIGHTS.text * text + (labelNorm > 0 ? (WEIGHTS.labels * labels) / labelNorm : 0);
    }
    return sharedLanguages > 0 ? round((sum / sharedLanguages) * (this.recency[other] ?? 1)) : 0;
  }
}

interface SharedLabel {
  readonly id: number;
  /** As the article being related writes it. */
  readonly name: string;
}

interface Shared {
  readonly terms: { id: number; contribution: number }[];
  readonly tags: SharedLabel[];
  readonly categories: SharedLabel[];
}

/** Rounded to 4 decimals, the precision of the output, so that ranking and output agree. */
function round(score: number): number {
  return Math.round(score * 10_000) / 10_000;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function distinct(values: string[]): string[] {
  return [...new Set(values)];
}

/**
 * Puts into `chosen` the indices of the `limit` largest of the first `length`
 * weights, heaviest first, ties by term id, and returns how many. `work` is
 * scratch space as long as `weights`. Allocates nothing: it runs once per version.
 */
function heaviest(ids: Int32Array, weights: Float64Array, length: number, limit: number, work: Float64Array, chosen: Int32Array): number {
  let count = 0;
  if (length > limit) {
    work.set(weights.subarray(0, length));
    const threshold = kthLargest(work.subarray(0, length), limit);
    for (let i = 0; i < length; i++) if ((weights[i] ?? 0) > threshold) chosen[count++] = i;
    // Terms at the threshold fill the places left in id order (the sort below puts them so).
    let ties = 0;
    for (let i = 0; i < length; i++) if (weights[i] === threshold) chosen[count + ties++] = i;
    sortHeaviestFirst(chosen, count, count + ties, ids, weights);
    count = Math.min(limit, count + ties);
  } else for (let i = 0; i < length; i++) chosen[count++] = i;
  sortHeaviestFirst(chosen, 0, count, ids, weights);
  return count;
}

/** Sorts `indices[from, to)` by weight, heaviest first, then by term id: an insertion sort, as the ranges are a few dozen long. */
function sortHeaviestFirst(indices: Int32Array, from: number, to: number, ids: Int32Array, weights: Float64Array): void {
  for (let i = from + 1; i < to; i++) {
    const index = indices[i] ?? 0;
    const weight = weights[index] ?? 0;
    const id = ids[index] ?? 0;
    let j = i - 1;
    for (; j >= from; j--) {
      const before = indices[j] ?? 0;
      const beforeWeight = weights[before] ?? 0;
      if (beforeWeight > weight || (beforeWeight === weight && (ids[before] ?? 0) < id)) break;
      indices[j + 1] = before;
    }
    indices[j + 1] = index;
  }
}

/** The k-th largest value (k >= 1) by quickselect; reorders `values`. */
function kthLargest(values: Float64Array, k: number): number {
  const target = values.length - k;
  let lo = 0;
  let hi = values.length - 1;
  while (lo < hi) {
    const pivot = values[(lo + hi) >> 1] ?? 0;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while ((values[i] ?? 0) < pivot) i++;
      while ((values[j] ?? 0) > pivot) j--;
      if (i <= j) {
        const swap = values[i] ?? 0;
        values[i] = values[j] ?? 0;
        values[j] = swap;
        i++;
        j--;
      }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else break;
  }
  return values[target] ?? 0;
}

const ARTICLE_BITS = 2 ** 21;

/** Postings of every term: term `id`'s are at [start[id], start[id + 1]). */
interface Postings {
  readonly start: Int32Array;
  readonly articles: Int32Array;
  readonly weights: Float32Array;
}

/**
 * Each term's `keep` heaviest postings, heaviest first, then by article: the
 * only ones a query walks, so the rest are neither sorted nor kept. A posting
 * is keyed by (inverted float32 bits of its weight, article), packed exactly
 * into a float64, so that one numeric order is the impact order.
 */
function heaviestPostings(all: Postings, keep: number): Postings {
  const bits = new Uint32Array(all.weights.buffer, all.weights.byteOffset, all.weights.length);
  const keys = new Float64Array(all.articles.length);
  for (let p = 0; p < keys.length; p++) {
    const article = all.articles[p] ?? 0;
    if (article >= ARTICLE_BITS) throw new Error('relatedness index: too many articles');
    keys[p] = (0xffffffff - (bits[p] ?? 0)) * ARTICLE_BITS + article;
  }
  const terms = all.start.length - 1;
  const start = new Int32Array(terms + 1);
  for (let id = 0; id < terms; id++) start[id + 1] = (start[id] ?? 0) + Math.min(keep, (all.start[id + 1] ?? 0) - (all.start[id] ?? 0));
  const kept = new Float64Array(start[terms] ?? 0);
  for (let id = 0; id < terms; id++) {
    const from = all.start[id] ?? 0;
    const to = all.start[id + 1] ?? 0;
    const at = start[id] ?? 0;
    if (to - from <= keep) kept.set(keys.subarray(from, to), at);
    else {
      // Keys are distinct (the article is part of each), so exactly `keep` are at or below the threshold.
      const threshold = kthLargest(keys.subarray(from, to), to - from - keep + 1);
      for (let p = from, k = at; p < to; p++) if ((keys[p] ?? 0) <= threshold) kept[k++] = keys[p] ?? 0;
    }
    const end = start[id + 1] ?? 0;
    // Most terms have a posting or two: a native sort per term would cost more in calls than in sorting.
    if (end - at > 16) kept.subarray(at, end).sort();
    else insertionSort(kept, at, end);
  }
  const articles = new Int32Array(kept.length);
  const weights = new Float32Array(kept.length);
  const weightBits = new Uint32Array(weights.buffer);
  for (let p = 0; p < kept.length; p++) {
    const key = kept[p] ?? 0;
    articles[p] = key % ARTICLE_BITS;
    weightBits[p] = 0xffffffff - Math.floor(key / ARTICLE_BITS);
  }
  return { start, articles, weights };
}

/** Sorts `values[from, to)` ascending in place. */
function insertionSort(values: Float64Array, from: number, to: number): void {
  for (let i = from + 1; i < to; i++) {
    const value = values[i] ?? 0;
    let j = i - 1;
    for (; j >= from && (values[j] ?? 0) > value; j--) values[j + 1] = values[j] ?? 0;
    values[j + 1] = value;
  }
}
