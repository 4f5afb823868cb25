import type { Post } from '../model.js';
import { normalizeLabel } from './normalize.js';
import { queryAll, type QueryHelpers } from './parallel.js';
import { closenessAt, INDEXED_TERMS, POSTINGS_WALKED, QUERY_TERMS, type ScoredPair, Searcher, type SearchIndex, type Shared } from './search.js';
import { sharedArray, sharedCopy } from '../threads.js';
import { CanonicalCounts, canonicalTerms, type CanonicalTerms, type TermCounts, type TermIndex } from './terms.js';

/**
 * The relatedness engine: an inverted index over the terms, tags and
 * categories of every article, queried with each article's most distinctive
 * terms. Never compares all pairs; memory is a few typed arrays. The model
 * and the queries are in `search.ts`; this builds the index.
 */
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
  /** Days apart at which the preference for articles close in time halves; 0 or less: no preference. */
  readonly halfLifeDays: number;
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

// The parts of the index, as the building steps make them.
type VersionArrays = Pick<SearchIndex, 'labelNorms' | 'labelStart' | 'slotLabels'>;
type TermArrays = Pick<SearchIndex, 'termCount' | 'slotTerms' | 'slotWeights' | 'termPostStart' | 'termPostArticle' | 'termPostWeight'>;
type LabelArrays = Pick<SearchIndex, 'labelIdf' | 'labelPostStart' | 'labelPostArticle'>;
type QueryArrays = Pick<SearchIndex, 'queryCount' | 'slotQuery' | 'slotQueryWeights'>;

/** A label's id, and the name a version that writes it so gives it. */
interface NamedLabel {
  readonly id: number;
  readonly name: string;
}

const LABEL_TAG = 0;
const LABEL_CATEGORY = 1;

export class RelatednessEngine<A extends EngineArticle = EngineArticle> {
  /** Articles sorted by key: an article's index is its rank, so ties broken by index are broken by key. */
  readonly articles: readonly A[];
  private readonly languages: string[];
  /** The index queries read, in memory that worker threads can share. */
  readonly index: SearchIndex;
  private readonly searcher: Searcher;

  // Only for explaining.
  /** Each label of `slotLabels` as its version writes it. */
  private readonly slotLabelNames: string[] = [];
  private termForm: string[] = [];

  // labels, while building
  private readonly labelIds = new Map<string, number>();
  private readonly normalizedLabels = new Map<string, string>();
  /**
   * Per language, each tag as written with its label (null: it normalises to
   * nothing), and each category path as written with its label at every
   * level: an archive writes a few hundred of them tens of thousands of times
   * (normalising and joining them for every version took 70 ms at 5,000 articles).
   */
  private readonly tagLabels: Map<string, NamedLabel | null>[] = [];
  private readonly categoryLabels: Map<string, readonly NamedLabel[]>[] = [];
  private readonly labelKind: number[] = [];
  private readonly labelLang: number[] = [];

  constructor(articles: readonly A[], options: EngineOptions) {
    this.articles = [...articles].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const n = this.articles.length;
    this.languages = [...new Set(this.articles.flatMap((article) => [...article.versions.keys()]))].sort();

    const day = sharedArray(Int32Array, n);
    this.articles.forEach((article, index) => (day[index] = Math.floor(article.newest.getTime() / DAY_MS)));
    const halfLifeDays = options.halfLifeDays > 0 ? options.halfLifeDays : Number.POSITIVE_INFINITY;
    const closeness = closenessByDaysApart(day, halfLifeDays);

    const { raw, canonical, versions } = this.analyse(options.terms);
    const perLanguage = this.languages.map((_, lang) => raw.filter((version) => version.lang === lang).length);
    const terms = this.weighTerms(raw, perLanguage, new CanonicalCounts(canonical), versions.labelNorms.length);
    const labels = this.indexLabels(versions, perLanguage, day);
    const queries = prepareQueries(terms);
    this.index = { articles: n, languages: this.languages.length, day, closeness, halfLifeDays, ...versions, ...terms, ...labels, ...queries };
    this.searcher = new Searcher(this.index);
  }

  get size(): number {
    return this.articles.length;
  }

  // ------------------------------------------------------------ building

  /** Each version's labels, and its term counts renumbered for ranking. */
  private analyse(terms: TermIndex): { raw: RawVersion[]; canonical: CanonicalTerms; versions: VersionArrays } {
    const languages = this.languages.length;
    const slots = this.articles.length * languages;
    const labelNorms = sharedArray(Float64Array, slots).fill(-1);
    const raw: RawVersion[] = [];
    const labels: number[] = [];
    const labelStart = sharedArray(Int32Array, slots + 1);
    this.articles.forEach((article, index) => {
      for (let lang = 0; lang < languages; lang++) {
        const slot = index * languages + lang;
        const post = article.versions.get(this.languages[lang] ?? '');
        if (post) {
          labelNorms[slot] = 0;
          this.labelsOf(post, lang, labels);
          raw.push({ slot, lang, counts: terms.of(post) });
        }
        labelStart[slot + 1] = labels.length;
      }
    });
    const canonical = canonicalTerms(terms, raw.map((version) => version.counts));
    this.termForm = canonical.forms;
    return { raw, canonical, versions: { labelNorms, labelStart, slotLabels: sharedCopy(Int32Array, labels) } };
  }

  /** Appends to `labels` the tag and category-level label ids of one version, ascending and distinct, and to slotLabelNames the names it gives them. */
  private labelsOf(post: Post, lang: number, labels: number[]): void {
    const found: NamedLabel[] = [];
    const tags = (this.tagLabels[lang] ??= new Map());
    for (const tag of post.tags) {
      let label = tags.get(tag);
      if (label === undefined) {
        const key = this.normalizedLabel(tag);
        tags.set(tag, (label = key ? { id: this.labelId(lang, LABEL_TAG, key), name: tag } : null));
      }
      if (label) found.push(label);
    }
    const categories = (this.categoryLabels[lang] ??= new Map());
    for (const path of post.categories) {
      const written = JSON.stringify(path);
      let levels = categories.get(written);
      if (levels === undefined) {
        levels = path.map((_, depth) => {
          const upTo = path.slice(0, depth + 1);
          return { id: this.labelId(lang, LABEL_CATEGORY, upTo.map((level) => this.normalizedLabel(level)).join('/')), name: upTo.join('/') };
        });
        categories.set(written, levels);
      }
      found.push(...levels);
    }
    // A stable sort: of the ways a version writes one label, the first names it.
    found.sort((a, b) => a.id - b.id);
    found.forEach((label, at) => {
      if (at > 0 && found[at - 1]?.id === label.id) return;
      labels.push(label.id);
      this.slotLabelNames.push(label.name);
    });
  }

  /** The id of a label (a normalised tag, or a category path to some level), a new one the first time it is met. */
  private labelId(lang: number, kind: number, key: string): number {
    const mapKey = `${lang}\u0000${kind}\u0000${key}`;
    let id = this.labelIds.get(mapKey);
    if (id === undefined) {
      id = this.labelKind.length;
      this.labelIds.set(mapKey, id);
      this.labelKind.push(kind);
      this.labelLang.push(lang);
    }
    return id;
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
  private weighTerms(raw: RawVersion[], perLanguage: number[], reader: CanonicalCounts, slots: number): TermArrays {
    const terms = this.termForm.length;
    const df = new Int32Array(terms);
    const termLang = new Int32Array(terms);
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
    const termCount = sharedArray(Uint8Array, slots);
    const slotTerms = sharedArray(Int32Array, slots * INDEXED_TERMS);
    const slotWeights = sharedArray(Float32Array, slots * INDEXED_TERMS);
    const postingCount = new Int32Array(terms + 1);
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
      termCount[slot] = kept;
      for (let k = 0, at = slot * INDEXED_TERMS; k < kept; k++, at++) {
        const i = chosen[k] ?? 0;
        const id = ids[i] ?? 0;
        slotTerms[at] = id;
        slotWeights[at] = (weights[i] ?? 0) / norm;
        postingCount[id + 1] = (postingCount[id + 1] ?? 0) + 1;
      }
    }
    for (let id = 0; id < terms; id++) postingCount[id + 1] = (postingCount[id + 1] ?? 0) + (postingCount[id] ?? 0);
    const total = postingCount[terms] ?? 0;
    const cursor = postingCount.slice(0, terms);
    // Each posting as its impact key (see `impactKey`), so that the postings are sorted and cut in place.
    const keys = new Float64Array(total);
    const weightBits = new Uint32Array(slotWeights.buffer, slotWeights.byteOffset, slotWeights.length);
    const languages = this.languages.length;
    for (let slot = 0; slot < slots; slot++) {
      const article = Math.floor(slot / languages);
      if (article >= ARTICLE_BITS) throw new Error('relatedness index: too many articles');
      for (let at = slot * INDEXED_TERMS, end = at + (termCount[slot] ?? 0); at < end; at++) {
        const id = slotTerms[at] ?? 0;
        const to = cursor[id] ?? 0;
        keys[to] = impactKey(weightBits[at] ?? 0, article);
        cursor[id] = to + 1;
      }
    }
    const postings = heaviestPostings(postingCount, keys, POSTINGS_WALKED);
    return { termCount, slotTerms, slotWeights, termPostStart: postings.start, termPostArticle: postings.articles, termPostWeight: postings.weights };
  }

  /** Label idf, each version's label norm (set in `versions.labelNorms`), and the label postings. */
  private indexLabels(versions: VersionArrays, perLanguage: number[], day: Int32Array): LabelArrays {
    const labelCount = this.labelKind.length;
    const { labelStart, slotLabels, labelNorms } = versions;
    const languages = this.languages.length;
    const start = sharedArray(Int32Array, labelCount + 1);
    for (const id of slotLabels) start[id + 1] = (start[id + 1] ?? 0) + 1;
    const labelIdf = sharedArray(Float64Array, labelCount);
    for (let id = 0; id < labelCount; id++) {
      const df = start[id + 1] ?? 0;
      labelIdf[id] = df > 0 ? Math.log(1 + (perLanguage[this.labelLang[id] ?? 0] ?? 1) / df) : 0;
      start[id + 1] = (start[id + 1] ?? 0) + (start[id] ?? 0);
    }
    const cursor = start.slice(0, labelCount);
    const labelPostArticle = sharedArray(Int32Array, start[labelCount] ?? 0);
    for (let slot = 0; slot < labelNorms.length; slot++) {
      if ((labelNorms[slot] ?? -1) < 0) continue;
      let norm = 0;
      for (let at = labelStart[slot] ?? 0, end = labelStart[slot + 1] ?? 0; at < end; at++) {
        const id = slotLabels[at] ?? 0;
        const idf = labelIdf[id] ?? 0;
        norm += idf * idf;
        const to = cursor[id] ?? 0;
        labelPostArticle[to] = Math.floor(slot / languages);
        cursor[id] = to + 1;
      }
      labelNorms[slot] = Math.sqrt(norm);
    }
    // Oldest first, then by key, so a query walks the articles closest in time (see `Searcher.query`): sort ranks in
    // that order, then map them back to articles.
    const byDate = Array.from(this.articles, (_, index) => index).sort((a, b) => (day[a] ?? 0) - (day[b] ?? 0) || a - b);
    const rank = new Int32Array(this.articles.length);
    byDate.forEach((article, position) => (rank[article] = position));
    const ranks = Int32Array.from(labelPostArticle, (article) => rank[article] ?? 0);
    for (let id = 0; id < labelCount; id++) ranks.subarray(start[id] ?? 0, start[id + 1] ?? 0).sort();
    ranks.forEach((position, p) => (labelPostArticle[p] = byDate[position] ?? 0));
    return { labelIdf, labelPostStart: start, labelPostArticle };
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

  /** The `count` articles most related to article `index`, best first, never itself, without those in `exclude` (see `Searcher.query`). */
  query(index: number, count: number, exclude?: ReadonlySet<number>): ScoredPair[] {
    return this.searcher.query(index, count, exclude);
  }

  /**
   * The lists of every article, as `query` gives them: article i asks for
   * `wanted[i]` and leaves out `exclude[i]`; on `threads` threads.
   */
  queryAll(wanted: readonly number[], exclude: readonly (readonly number[])[], threads: number, helpers?: QueryHelpers): ScoredPair[][] {
    return queryAll(this.index, this.searcher, wanted, exclude, { threads, ...(helpers ? { helpers } : {}) }).lists;
  }

  /** The score of `other` as related to `index`. */
  pairScore(index: number, other: number): number {
    return this.searcher.score(index, other);
  }

  /** The score of `other` as related to `index`, with what the two share. */
  explain(index: number, other: number): { score: number; reasons: PairReasons } {
    const shared: Shared = { terms: [], labels: [] };
    const score = this.searcher.score(index, other, shared);
    const labels = shared.labels.map((at) => ({ id: this.index.slotLabels[at] ?? 0, name: this.slotLabelNames[at] ?? '' }));
    const tags = labels.filter((label) => this.labelKind[label.id] === LABEL_TAG);
    const categories = labels.filter((label) => this.labelKind[label.id] === LABEL_CATEGORY);
    const byIdf = (a: SharedLabel, b: SharedLabel): number => (this.index.labelIdf[b.id] ?? 0) - (this.index.labelIdf[a.id] ?? 0) || compareText(a.name, b.name);
    const paths = categories.map((label) => label.name);
    return {
      score,
      reasons: {
        sharedTags: distinct(tags.sort(byIdf).map((label) => label.name)),
        // A shared "Statements/Joint Statements" says more than the "Statements" it implies.
        sharedCategories: distinct(
          categories
            .sort(byIdf)
            .filter((label) => !paths.some((path) => path.startsWith(`${label.name}/`)))
            .map((label) => label.name),
        ),
        topTerms: distinct(shared.terms.sort((a, b) => b.contribution - a.contribution || a.id - b.id).map((term) => this.termForm[term.id] ?? '')).slice(0, 5),
        ageDays: Math.abs((this.index.day[index] ?? 0) - (this.index.day[other] ?? 0)),
      },
    };
  }
}

/**
 * The closeness factor of two articles by whole days apart (see
 * `closenessAt` in search.ts), for every distance up to the archive's span
 * or CLOSENESS_TABLE days, whichever is less: a factor a query takes tens of
 * thousands of times is looked up rather than raised to a power.
 */
function closenessByDaysApart(day: Int32Array, halfLifeDays: number): Float64Array {
  let [earliest, latest] = [day[0] ?? 0, day[0] ?? 0];
  for (const d of day) [earliest, latest] = [Math.min(earliest, d), Math.max(latest, d)];
  const table = sharedArray(Float64Array, Math.min(latest - earliest + 1, CLOSENESS_TABLE));
  for (let d = 0; d < table.length; d++) table[d] = closenessAt(d, halfLifeDays);
  return table;
}

/** Days apart the closeness table holds at most (512 kB); farther apart, the factor is worked out. */
const CLOSENESS_TABLE = 1 << 16;

/** Chooses each version's query: its heaviest terms that other articles share. */
function prepareQueries(terms: TermArrays): QueryArrays {
  const { termCount, slotTerms, slotWeights, termPostStart } = terms;
  const slots = termCount.length;
  const queryCount = sharedArray(Uint8Array, slots);
  const slotQuery = sharedArray(Int32Array, slots * QUERY_TERMS);
  const slotQueryWeights = sharedArray(Float32Array, slots * QUERY_TERMS);
  for (let slot = 0; slot < slots; slot++) {
    const first = slot * QUERY_TERMS;
    let count = 0;
    let norm = 0;
    for (let at = slot * INDEXED_TERMS, end = at + (termCount[slot] ?? 0); at < end && count < QUERY_TERMS; at++) {
      const id = slotTerms[at] ?? 0;
      const postings = (termPostStart[id + 1] ?? 0) - (termPostStart[id] ?? 0);
      if (postings <= 1) continue;
      const weight = slotWeights[at] ?? 0;
      slotQuery[first + count] = id;
      slotQueryWeights[first + count] = weight;
      norm += weight * weight;
      count++;
    }
    norm = Math.sqrt(norm) || 1;
    for (let q = first; q < first + count; q++) slotQueryWeights[q] = (slotQueryWeights[q] ?? 0) / norm;
    queryCount[slot] = count;
  }
  return { queryCount, slotQuery, slotQueryWeights };
}

interface SharedLabel {
  readonly id: number;
  /** As the article being related writes it. */
  readonly name: string;
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
 * A posting's sort key: (inverted float32 bits of its weight, article),
 * packed exactly into a float64, so that one ascending numeric order is the
 * impact order, heaviest first, then by article.
 */
function impactKey(weightBits: number, article: number): number {
  return (0xffffffff - weightBits) * ARTICLE_BITS + article;
}

/**
 * Each term's `keep` heaviest postings, heaviest first, then by article: the
 * only ones a query walks, so the rest are neither sorted nor kept. `keys`
 * holds every posting's impact key, term by term as `start` says, and is
 * reordered.
 */
function heaviestPostings(start: Int32Array, keys: Float64Array, keep: number): Postings {
  const terms = start.length - 1;
  const keptStart = sharedArray(Int32Array, terms + 1);
  for (let id = 0; id < terms; id++) keptStart[id + 1] = (keptStart[id] ?? 0) + Math.min(keep, (start[id + 1] ?? 0) - (start[id] ?? 0));
  const articles = sharedArray(Int32Array, keptStart[terms] ?? 0);
  const weights = sharedArray(Float32Array, articles.length);
  const weightBits = new Uint32Array(weights.buffer);
  for (let id = 0; id < terms; id++) {
    const from = start[id] ?? 0;
    const to = start[id + 1] ?? 0;
    if (to - from > keep) {
      // Keys are distinct (the article is part of each), so exactly `keep` are at or below the threshold: moved to the front.
      const threshold = kthLargest(keys.subarray(from, to), to - from - keep + 1);
      for (let p = from, k = from; p < to; p++) if ((keys[p] ?? 0) <= threshold) keys[k++] = keys[p] ?? 0;
    }
    const end = from + Math.min(keep, to - from);
    // Most terms have a posting or two: a native sort per term would cost more in calls than in sorting.
    if (end - from > 16) keys.subarray(from, end).sort();
    else insertionSort(keys, from, end);
    for (let p = from, at = keptStart[id] ?? 0; p < end; p++, at++) {
      const key = keys[p] ?? 0;
      articles[at] = key % ARTICLE_BITS;
      weightBits[at] = 0xffffffff - Math.floor(key / ARTICLE_BITS);
    }
  }
  return { start: keptStart, articles, weights };
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
