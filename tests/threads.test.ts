/**
 * Ranking related articles on worker threads, with the terms the loader
 * counted. A worker
 * runs compiled JavaScript, so these tests go through dist/, which `npm test`
 * builds before it runs them; run `npm run build:ts` first when running them alone.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type * as PlantedModule from '../src/bench/plantedCorpus.js';
import type * as ParseModule from '../src/load/parsePost.js';
import type * as SourceModule from '../src/load/source.js';
import type * as LoadModule from '../src/load/loadPosts.js';
import type * as EngineModule from '../src/relate/engine.js';
import type * as ParallelModule from '../src/relate/parallel.js';
import { queryAll as queryAllFromSource } from '../src/relate/parallel.js';
import type * as RelatedModule from '../src/relate/related.js';
import type * as SearchModule from '../src/relate/search.js';
import type * as TermsModule from '../src/relate/terms.js';
import { testConfig } from './support/site.js';

const built = (path: string): string => {
  const file = fileURLToPath(new URL(`../dist/${path}`, import.meta.url));
  if (!existsSync(file)) throw new Error(`${file} is missing: run npm run build:ts first`);
  return file;
};

const [planted, parse, source, load, terms, engineModule, parallel, related, search] = [
  (await import(built('bench/plantedCorpus.js'))) as typeof PlantedModule,
  (await import(built('load/parsePost.js'))) as typeof ParseModule,
  (await import(built('load/source.js'))) as typeof SourceModule,
  (await import(built('load/loadPosts.js'))) as typeof LoadModule,
  (await import(built('relate/terms.js'))) as typeof TermsModule,
  (await import(built('relate/engine.js'))) as typeof EngineModule,
  (await import(built('relate/parallel.js'))) as typeof ParallelModule,
  (await import(built('relate/related.js'))) as typeof RelatedModule,
  (await import(built('relate/search.js'))) as typeof SearchModule,
];
built('relate/queryWorker.js');

const corpus = planted.plantedCorpus(700, 3);
const counted = new terms.TermIndex();
const loaded = { ...load.loadPosts(source.memorySource(corpus.files).files, testConfig(), { terms: counted }), terms: counted };
const articles = related.groupArticles(loaded.posts);
/** Every fifth article pins the next two: pinned articles are left out of what is ranked. */
const pins = new Map(articles.flatMap((article, index) => (index % 5 === 0 ? [[article.key, [1, 2].map((step) => articles[(index + step) % articles.length]?.key ?? '')]] : [])));

/** Every post's terms, spelt out, with their counts: what relating reads of a term index. */
const countsOf = (index: TermsModule.TermIndex): string[] =>
  loaded.posts.map((post) => {
    const { ids, counts, definite } = index.of(post);
    const spelt = (id: number): string => `${index.langOf(id)}:${index.textOf(id)}`;
    return `${post.sourcePath} ${Array.from(ids, (id, i) => `${spelt(id)}=${counts[i] ?? 0}`).join(' ')} | ${Array.from(definite, spelt).join(' ')}`;
  });

describe('counting terms while the posts load', () => {
  it('gives every post of a large archive the counts that counting its body alone gives, kept in its record', () => {
    const alone = new terms.TermIndex();
    for (const { post, body } of corpus.files.map((file) => parse.parsePost(file, testConfig()))) if (post) alone.add(post, body ?? '');
    expect(countsOf(loaded.terms)).toEqual(countsOf(alone));
    expect(countsOf(loaded.terms).filter((line) => line.includes('='))).toHaveLength(loaded.posts.length);
  });
});

describe('ranking related articles on worker threads', () => {
  it('gives every article, pins included, the list that ranking it alone gives', () => {
    const options = { terms: loaded.terms, pins, threads: 2 };
    const all = related.relateArticles(articles, 5, options);
    const sample = articles.filter((_, index) => index % 35 === 0);
    expect(sample.length).toBeGreaterThan(10);
    for (const article of sample) {
      const alone = related.explainRelated(articles, article.key, 5, options)?.map(({ article: other, score, pinned }) => ({ article: other, score, pinned }));
      expect(all.get(article.key)).toEqual(alone);
    }
    expect(sample.some((article) => all.get(article.key)?.some((relation) => relation.pinned))).toBe(true);
  });

  it('ranks every chunk on a worker when the calling thread leaves them all to it', () => {
    const engine = new engineModule.RelatednessEngine(articles, { terms: loaded.terms, halfLifeDays: 365, reference: new Date('2026-11-25') });
    const wanted = engine.articles.map((_, index) => 3 + (index % 4));
    const exclude = engine.articles.map((_, index) => (index % 3 === 0 ? [(index + 1) % engine.size] : []));
    const { lists, chunks, workerChunks } = parallel.queryAll(engine.index, new search.Searcher(engine.index), wanted, exclude, { threads: 2, callerRanks: false, stallMs: 60_000 });
    expect(chunks).toBeGreaterThan(1);
    expect(workerChunks).toBe(chunks);
    const one = new search.Searcher(engine.index);
    expect(lists).toEqual(engine.articles.map((_, index) => one.query(index, wanted[index] ?? 0, new Set(exclude[index]))));
    expect(lists.every((list, index) => list.length === wanted[index])).toBe(true);
  });
});

describe('ranking without a compiled worker to start', () => {
  it('ranks everything on the calling thread', () => {
    const engine = new engineModule.RelatednessEngine(articles, { terms: loaded.terms, halfLifeDays: 365, reference: new Date('2026-11-25') });
    // From the TypeScript sources there is no queryWorker.js beside parallel.ts.
    const { lists, workerChunks } = queryAllFromSource(engine.index, new search.Searcher(engine.index), [5, 5], [[], []], { threads: 2 });
    expect(workerChunks).toBe(0);
    expect(lists.map((list) => list.length)).toEqual([5, 5]);
  });
});
