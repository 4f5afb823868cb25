/**
 * A bilingual corpus with planted topic clusters, for measuring related-article
 * quality against known ground truth (written to disk by
 * `scripts/generate-corpus.mjs --planted` for scripts/bench-related-quality.mjs,
 * kept in memory by tests/related-quality.test.ts). Articles of one cluster share topic words
 * and tags; everything else (background words, categories, a noise tag,
 * dates) is drawn at random, so only real topical similarity finds the cluster.
 */
import type { SiteConfig } from '../config.js';
import { relatedItems } from '../feeds/compose.js';
import { loadPosts } from '../load/loadPosts.js';
import { parsePost, readFrontMatter, type SourceFile } from '../load/parsePost.js';
import { sourceFileOf, type PostSource } from '../load/source.js';
import type { Post } from '../model.js';
import { articleKey, relateLivePosts, TermIndex, type Relatedness } from '../relate/index.js';
import { seededRandom } from '../random.js';

export interface PlantedCorpus {
  readonly files: SourceFile[];
  /** Cluster of each article, by translation key. */
  readonly clusterOf: ReadonlyMap<string, number>;
}


const LATIN = ['ka', 'lo', 'mi', 'ra', 'ten', 'vo', 'sul', 'dar', 'ne', 'pri', 'gor', 'ba', 'tis', 'mun', 'fel', 'cor'];
const ARABIC = ['ب', 'ت', 'ج', 'د', 'ر', 'س', 'ش', 'ع', 'ف', 'ق', 'ك', 'م', 'ن', 'ه', 'ح', 'ط'];
const DIACRITICS = ['\u064E', '\u064F', '\u0650', '\u0652'];

export function plantedCorpus(articles: number, seed = 1, clusterSize = 20): PlantedCorpus {
  const next = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const englishWord = () => Array.from({ length: 2 + Math.floor(next() * 2) }, () => pick(LATIN)).join('');
  const arabicWord = () => Array.from({ length: 3 + Math.floor(next() * 2) }, () => pick(ARABIC)).join('');
  const background = { en: Array.from({ length: 400 }, englishWord), ar: Array.from({ length: 400 }, arabicWord) };
  const clusters = Math.max(1, Math.round(articles / clusterSize));
  const own = Array.from({ length: clusters }, () => ({ en: Array.from({ length: 10 }, englishWord), ar: Array.from({ length: 10 }, arabicWord) }));
  // Neighbouring clusters share four topic words, as related topics do (detention and fair trial).
  const topics = own.map((topic, index) => {
    const neighbour = own[(index + 1) % own.length] ?? topic;
    return { en: [...topic.en, ...neighbour.en.slice(0, 4)], ar: [...topic.ar, ...neighbour.ar.slice(0, 4)] };
  });
  const noiseTags = { en: Array.from({ length: 30 }, englishWord), ar: Array.from({ length: 30 }, arabicWord) };
  // Arabic surface forms vary as in real text: a prefix, a diacritic, a tatweel.
  const arabicSurface = (word: string) => {
    const roll = next();
    if (roll < 0.25) return `ال${word}`;
    if (roll < 0.35) return `و${word}`;
    if (roll < 0.45) return word.slice(0, 1) + pick(DIACRITICS) + word.slice(1);
    if (roll < 0.5) return `${word.slice(0, 2)}\u0640${word.slice(2)}`;
    return word;
  };
  const text = (lang: 'en' | 'ar', topic: readonly string[], words: number) =>
    Array.from({ length: words }, () => {
      const word = next() < 0.05 ? pick(topic) : pick(background[lang]);
      return lang === 'ar' ? arabicSurface(word) : word;
    }).join(' ');

  const files: SourceFile[] = [];
  const clusterOf = new Map<string, number>();
  for (let i = 0; i < articles; i++) {
    const cluster = i % clusters;
    const key = `article-${i}`;
    clusterOf.set(key, cluster);
    const date = new Date(Date.UTC(2016, 0, 1) + Math.floor(next() * 3650) * 86_400_000).toISOString().slice(0, 10);
    const bilingual = next() < 0.85;
    const languages: ('en' | 'ar')[] = bilingual ? ['en', 'ar'] : [next() < 0.5 ? 'en' : 'ar'];
    const category = pick(['Statements', 'Reports', 'News']);
    for (const lang of languages) {
      const topic = topics[cluster]?.[lang] ?? [];
      const title = `${pick(background[lang])} ${pick(topic)} ${pick(background[lang])} ${pick(background[lang])}`;
      const tags = [pick(topic), pick(noiseTags[lang]), pick(noiseTags[lang])];
      const body = `${text(lang, topic, 120)}\n\n${text(lang, topic, 120)}\n\n${text(lang, topic, 120)}\n`;
      files.push({
        path: `posts/${lang}/${key}.md`,
        lang,
        text: `---\ntitle: "${title}"\ndate: ${date}\ntranslationKey: ${key}\ncategories: [${category}]\ntags: [${[...new Set(tags)].join(', ')}]\n---\n${body}`,
      });
    }
  }
  return { files, clusterOf };
}

export interface QualityReport {
  readonly articles: number;
  /** Share of each article's top five related articles that come from its own cluster. */
  readonly precisionAt5: number;
  /** Share of translated pairs whose English and Arabic lists name the same articles in the same order. */
  readonly agreement: number;
  readonly pairs: number;
  /** Reading every file and reading and validating its front matter, nothing more: the yardstick of the related stage. */
  readonly frontMatterMs: number;
  /** The whole load stage: the above, plus what is derived from bodies (summaries, word counts, term counts). */
  readonly loadMs: number;
  /** What counting terms for relating costs, wherever it runs: measured by counting the same bodies again on one thread. */
  readonly countMs: number;
  /** The loader's own time on counting: all of it, as the loader counts each body while it holds it (for the load cache's records). */
  readonly countOnLoaderMs: number;
  /** Relating the counted articles: the index, its queries, the lists. */
  readonly relateMs: number;
}

/**
 * Loads and relates a planted corpus through the real load and relate stages
 * (from disk for the benchmark, from memory in the test) and scores the lists
 * against the planted clusters. The related stage costs the loader's thread
 * `countOnLoaderMs + relateMs`; counting itself costs `countMs` of CPU, on the
 * loader's thread.
 */
export function measureQuality(source: PostSource, clusterOf: ReadonlyMap<string, number>, config: SiteConfig): QualityReport {
  const countMs = timeCounting(source, config);
  const [, frontMatterMs] = timed(() => {
    for (const entry of source.files) {
      const file = sourceFileOf(entry);
      if (file) readFrontMatter(file, config);
    }
  });
  const terms = new TermIndex();
  const [loaded, loadMs] = timed(() => loadPosts(source.files, config, { terms }));
  const { posts, diagnostics, pins } = loaded;
  if (diagnostics.some((d) => d.severity === 'error')) throw new Error(`planted corpus has errors: ${diagnostics[0]?.message ?? ''}`);
  const [relatedness, relateMs] = timed(() => relateLivePosts(posts, config, { terms, pins }));
  return { ...score(relatedness, posts, clusterOf), frontMatterMs, loadMs, countMs, countOnLoaderMs: countMs, relateMs };
}

/**
 * The time the loader spends counting terms, which it does while it holds each
 * body: measured apart by counting every body again, in batches parsed
 * beforehand so that neither the parsing nor its garbage is timed, and let
 * go before the load proper.
 */
function timeCounting(source: PostSource, config: SiteConfig): number {
  const terms = new TermIndex();
  let batch: { post: Post; body: string }[] = [];
  let countMs = 0;
  const countBatch = () => {
    countMs += timed(() => {
      for (const { post, body } of batch) terms.add(post, body);
    })[1];
    batch = [];
  };
  for (const entry of source.files) {
    const file = sourceFileOf(entry);
    if (!file) continue;
    const { post, body } = parsePost(file, config);
    if (post) batch.push({ post, body: body ?? '' });
    if (batch.length === 1000) countBatch();
  }
  countBatch();
  return countMs;
}

/** What `run` returns, and how long it took in milliseconds. */
function timed<T>(run: () => T): [T, number] {
  const started = performance.now();
  const result = run();
  return [result, performance.now() - started];
}

/** Precision@5 against the planted clusters and EN/AR agreement of the lists. */
function score(relatedness: Relatedness, posts: readonly Post[], clusterOf: ReadonlyMap<string, number>): Pick<QualityReport, 'articles' | 'precisionAt5' | 'agreement' | 'pairs'> {
  const clusterOfKey = (key: string) => clusterOf.get(key.replace(/^translation:/, ''));
  let hits = 0;
  let slots = 0;
  for (const [key, relations] of relatedness.relations) {
    const own = clusterOfKey(key);
    for (const relation of relations.slice(0, 5)) if (clusterOfKey(relation.article.key) === own) hits++;
    slots += 5;
  }
  // Agreement is read from what readers see: each language's list, mapped back to articles.
  const keyOfId = new Map(posts.map((post) => [post.id, articleKey(post)]));
  let pairs = 0;
  let agreeing = 0;
  for (const article of relatedness.articleByKey.values()) {
    const english = article.versions.get('en');
    const arabic = article.versions.get('ar');
    if (!english || !arabic) continue;
    pairs++;
    const list = (lang: typeof english) => relatedItems(relatedness, lang).map((item) => keyOfId.get(item.id));
    if (JSON.stringify(list(english)) === JSON.stringify(list(arabic))) agreeing++;
  }
  return { articles: relatedness.articleByKey.size, precisionAt5: slots === 0 ? 0 : hits / slots, agreement: pairs === 0 ? 1 : agreeing / pairs, pairs };
}
