/**
 * The build's work pool: posts loaded, bodies rendered and related articles
 * ranked on its threads give what the calling thread alone gives. A worker
 * runs compiled JavaScript, so these tests go through dist/, which `npm test`
 * builds before it runs them; run `npm run build:ts` first when running them alone.
 */
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type * as PlantedModule from '../src/bench/plantedCorpus.js';
import type * as ParseModule from '../src/load/parsePost.js';
import type * as SourceModule from '../src/load/source.js';
import type * as DiagnosticsModule from '../src/diagnostics.js';
import type * as LoadModule from '../src/load/loadPosts.js';
import type * as ReadPostsModule from '../src/load/readPosts.js';
import type * as HashModule from '../src/load/hash.js';
import type * as CacheModule from '../src/load/cache.js';
import type * as PipelineModule from '../src/pipeline.js';
import type * as BoundedModule from '../src/render/bounded.js';
import type * as PoolModule from '../src/work/pool.js';
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
const cacheModule = (await import(built('load/cache.js'))) as typeof CacheModule;
built('work/worker.js');
const work = (await import(built('work/pool.js'))) as typeof PoolModule;
const bounded = (await import(built('render/bounded.js'))) as typeof BoundedModule;

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

describe('what the build thread keeps of the posts it loads', () => {
  it('keeps their term counts in a few shared blocks, not an allocation per array, whether loaded on a thread or here', () => {
    // Counted or deserialised from a thread's reply, each array is an allocation of its own: at 10,000 articles, tens of
    // thousands freed at once after relating, which the allocator kept as holes in its heap (50 MB of a build's peak RSS).
    const pool = new work.WorkPool({ limits: testConfig().limits, config: testConfig(), threads: 1 });
    const cache = new cacheModule.LoadCache();
    try {
      pool.grow(corpus.files.length);
      load.loadPosts(source.memorySource(corpus.files).files, testConfig(), { terms: new terms.TermIndex(), cache, pool });
    } finally {
      pool.close();
    }
    expect(pool.threadsStarted).toBe(1);
    const arrays = [...cache.entries.values()].flatMap(({ record }) => (record.terms ? [record.terms.terms, record.terms.forms, record.terms.counts, record.terms.flags] : []));
    expect(arrays.length).toBeGreaterThan(4 * 600);
    expect(new Set(arrays.map((array) => array.buffer)).size).toBeLessThan(10);
    // Copied whole: the same counts as counting each body alone.
    const counted = new terms.TermIndex();
    for (const [path, { record }] of cache.entries) if (record.post && record.terms) counted.addCounted({ sourcePath: path, lang: record.post.lang }, record.terms);
    expect(countsOf(counted)).toEqual(countsOf(loaded.terms));
  });
});

/** A work pool whose threads are up: a thread is lent a share of the queries only once it is. */
function readyPool(threads: number): PoolModule.WorkPool {
  const pool = new work.WorkPool({ limits: testConfig().limits, threads });
  pool.grow(50 * threads);
  const warmUp = Array.from({ length: 4 * threads }, (_, key) => ({ key, read: () => ({ markdown: 'A line.', pageUrl: 'https://rights.example.org/en/a/' }) }));
  bounded.renderOnPool(pool, testConfig().limits, warmUp, () => undefined);
  return pool;
}

describe("ranking related articles on the threads of the build's work pool", () => {
  it('gives every article, pins included, the list that ranking it alone gives', () => {
    const pool = readyPool(1);
    try {
      const all = related.relateArticles(articles, 5, { terms: loaded.terms, pins, threads: 2, helpers: pool });
      const sample = articles.filter((_, index) => index % 35 === 0);
      expect(sample.length).toBeGreaterThan(10);
      for (const article of sample) {
        const alone = related.explainRelated(articles, article.key, 5, { terms: loaded.terms, pins })?.map(({ article: other, score, pinned }) => ({ article: other, score, pinned }));
        expect(all.get(article.key)).toEqual(alone);
      }
      expect(sample.some((article) => all.get(article.key)?.some((relation) => relation.pinned))).toBe(true);
    } finally {
      pool.close();
    }
  });

  it('ranks every chunk on the pool threads when the calling thread leaves them all to them', () => {
    const pool = readyPool(2);
    try {
      const engine = new engineModule.RelatednessEngine(articles, { terms: loaded.terms, halfLifeDays: 365 });
      const wanted = engine.articles.map((_, index) => 3 + (index % 4));
      const exclude = engine.articles.map((_, index) => (index % 3 === 0 ? [(index + 1) % engine.size] : []));
      const { lists, chunks, workerChunks } = parallel.queryAll(engine.index, new search.Searcher(engine.index), wanted, exclude, { threads: 3, helpers: pool, callerRanks: false, stallMs: 60_000 });
      expect(pool.threadsStarted).toBe(2);
      expect(chunks).toBeGreaterThan(1);
      expect(workerChunks).toBe(chunks);
      const one = new search.Searcher(engine.index);
      expect(lists).toEqual(engine.articles.map((_, index) => one.query(index, wanted[index] ?? 0, new Set(exclude[index]))));
      expect(lists.every((list, index) => list.length === wanted[index])).toBe(true);
    } finally {
      pool.close();
    }
  });
});

describe('ranking without a pool', () => {
  it('ranks everything on the calling thread', () => {
    const engine = new engineModule.RelatednessEngine(articles, { terms: loaded.terms, halfLifeDays: 365 });
    const { lists, workerChunks } = queryAllFromSource(engine.index, new search.Searcher(engine.index), [5, 5], [[], []], { threads: 2 });
    expect(workerChunks).toBe(0);
    expect(lists.map((list) => list.length)).toEqual([5, 5]);
  });
});

const pipeline = (await import(built('pipeline.js'))) as typeof PipelineModule;
const readPosts = (await import(built('load/readPosts.js'))) as typeof ReadPostsModule;
const hash = (await import(built('load/hash.js'))) as typeof HashModule;
const { formatDiagnostic, withRenderDiagnostics } = (await import(built('diagnostics.js'))) as typeof DiagnosticsModule;

describe("the build's work pool", () => {
  const problems = {
    'posts/en/bad-date.md': '---\ntitle: A date that is not one\ndate: 2026-13-45\n---\nBody.\n',
    'posts/ar/unknown-pin.md': '---\ntitle: تعقيب\ndate: 2026-02-01\nrelated: [no-such-article]\n---\nنص.\n',
    'posts/en/typo.md': '---\ntitle: A typo in a field\ndate: 2026-02-02\ntgas: [detention]\n---\nBody.\n',
  };
  const files = [...planted.plantedCorpus(120, 5).files];
  Object.entries(problems).forEach(([path, text], index) => files.splice(40 * (index + 1), 0, { path, lang: path.split('/')[1] ?? 'en', text }));

  function buildWith(threads: number) {
    const plan = pipeline.planSite(source.memorySource(files), testConfig(), new Date('2026-11-01T00:00:00Z'), { threads });
    const outputs = [...plan.outputs].map((output) => `${output.path}\n${[...output.chunks].join('')}`);
    const diagnostics = withRenderDiagnostics(plan.diagnostics, plan.renderDiagnostics).map(formatDiagnostic);
    return { outputs, diagnostics, threads: plan.threadsAtOnce() };
  }

  it('gives the same bytes and the same diagnostics, in the same order, on no thread, one or two', () => {
    const [none, one, two] = [buildWith(0), buildWith(1), buildWith(2)];
    expect([none.threads, one.threads, two.threads]).toEqual([0, 1, 2]);
    expect(none.diagnostics.some((line) => line.startsWith('posts/en/bad-date.md:3:'))).toBe(true);
    expect(none.diagnostics.some((line) => line.startsWith('posts/ar/unknown-pin.md:4:'))).toBe(true);
    expect(one.diagnostics).toEqual(none.diagnostics);
    expect(two.diagnostics).toEqual(none.diagnostics);
    expect(one.outputs).toEqual(none.outputs);
    expect(two.outputs).toEqual(none.outputs);
  });

  /**
   * The same posts on disk, with files that break in their own ways: one not
   * UTF-8, a folder named like a post, and one deleted after it was listed
   * (listed where nothing is, as a file gone between listing and reading).
   */
  function onDisk(): SourceModule.PostSource {
    const root = mkdtempSync(join(tmpdir(), 'nashra-threads-'));
    for (const file of files) {
      mkdirSync(dirname(join(root, file.path)), { recursive: true });
      writeFileSync(join(root, file.path), file.text);
    }
    writeFileSync(join(root, 'posts/en/latin-1.md'), Buffer.from('---\ntitle: Caf\xe9\ndate: 2026-02-03\n---\nBody.\n', 'latin1'));
    mkdirSync(join(root, 'posts/en/a-folder.md'));
    const listed = readPosts.diskSource(join(root, 'posts'), root);
    const gone: SourceModule.ListedFile = { path: 'posts/en/gone.md', lang: 'en', read: () => undefined, absolute: join(root, 'posts/en/gone.md') };
    const entries = [...listed.files];
    entries.splice(60, 0, gone);
    return { files: Object.assign(entries, { count: entries.length }), read: listed.read };
  }

  it('reads post files on its threads, and gives what loading them here gives, broken files included', () => {
    const posts = onDisk();
    const build = (threads: number) => {
      const plan = pipeline.planSite(posts, testConfig(), new Date('2026-11-01T00:00:00Z'), { threads });
      return { outputs: [...plan.outputs].map((output) => `${output.path}\n${[...output.chunks].join('')}`), diagnostics: withRenderDiagnostics(plan.diagnostics, plan.renderDiagnostics).map(formatDiagnostic), threads: plan.threadsAtOnce() };
    };
    const [none, two] = [build(0), build(2)];
    expect(two.threads).toBe(2);
    expect(none.diagnostics.filter((line) => /latin-1\.md|a-folder\.md|gone\.md/.test(line))).toEqual([
      expect.stringMatching(/^posts\/en\/a-folder\.md:1:1 error .*EISDIR/),
      expect.stringMatching(/^posts\/en\/latin-1\.md:2:11 error .*not UTF-8/),
    ]);
    expect(two.diagnostics).toEqual(none.diagnostics);
    expect(two.outputs).toEqual(none.outputs);
  });

  it('lets a thread read a post file itself, and says when it is gone or cannot be read', () => {
    const root = mkdtempSync(join(tmpdir(), 'nashra-read-'));
    const text = '---\ntitle: Read on a thread\ndate: 2026-02-04\n---\nThe centre read this file on a thread.\n';
    writeFileSync(join(root, 'read.md'), text);
    mkdirSync(join(root, 'folder.md'));
    const pool = new work.WorkPool({ limits: testConfig().limits, config: testConfig(), threads: 1 });
    const outcomes: PoolModule.Outcome[] = [];
    try {
      pool.grow(50);
      const tasks = ['read.md', 'gone.md', 'folder.md'].map((name) => ({ kind: 'read' as const, file: { path: `posts/en/${name}`, lang: 'en', absolute: join(root, name) }, countTerms: true }));
      pool.run(() => {
        const task = tasks.shift();
        return task && { task, settle: (outcome: PoolModule.Outcome) => outcomes.push(outcome) };
      }, () => expect.unreachable('every file is read on the thread'), { queued: 2 });
    } finally {
      pool.close();
    }
    expect(outcomes.map((outcome) => outcome.kind)).toEqual(['loaded', 'vanished', 'loaded']);
    const [read, , folder] = outcomes;
    expect(read?.kind === 'loaded' && { title: read.record.post?.title, hash: read.hash, counted: read.record.terms !== undefined }).toEqual({ title: 'Read on a thread', hash: hash.sourceHash(text), counted: true });
    expect(folder?.kind === 'loaded' && { post: folder.record.post, hash: folder.hash, field: folder.record.diagnostics.map((d) => d.field) }).toEqual({ post: undefined, hash: undefined, field: ['file'] });
  });

  it('hands back to the caller the jobs queued behind one that overran, and settles every job once', () => {
    const pool = new work.WorkPool({ limits: testConfig().limits, threads: 1 });
    const slow = `Opening words.\n\n${'_a'.repeat(200_000)}\n`;
    const bodies = [slow, 'First.', 'Second.', 'Third.'];
    const outcomes: string[] = [];
    try {
      pool.grow(50);
      let index = 0;
      pool.run(() => {
        const at = index++;
        const markdown = bodies[at];
        return markdown === undefined ? undefined : { task: { kind: 'render', markdown, pageUrl: 'https://rights.example.org/en/a/' }, budgetMs: 1000, settle: (outcome: PoolModule.Outcome) => outcomes.push(`${at} ${outcome.kind}`) };
      }, () => expect.unreachable('no job runs here'), { queued: 2 });
    } finally {
      pool.close();
    }
    expect(outcomes).toEqual(['0 overran', '1 lost', '2 rendered', '3 rendered']);
  });

  it('keeps one idle thread for the next build of a process, up and ready, and starts afresh for another config', () => {
    const kept = new work.KeptThreads();
    const options = { limits: testConfig().limits, config: testConfig(), threads: 2 };
    const pool = kept.take(options);
    const rendered: string[] = [];
    const renderOn = (on: PoolModule.WorkPool, count: number) => {
      let index = 0;
      on.run(() => {
        const at = index++;
        return at >= count ? undefined : { task: { kind: 'render', markdown: `Body ${at}.`, pageUrl: 'https://rights.example.org/en/a/' }, settle: (outcome: PoolModule.Outcome) => rendered.push(outcome.kind) };
      }, () => expect.unreachable('every body is rendered on a thread'));
    };
    pool.grow(200);
    renderOn(pool, 20);
    expect(pool.threads).toBe(2);
    kept.give(pool);
    expect(pool.threads).toBe(1);
    const next = kept.take(options);
    expect(next).toBe(pool);
    // Up already: the next build's first task goes to it, not to the calling thread.
    renderOn(next, 5);
    expect(rendered).toEqual(Array.from({ length: 25 }, () => 'rendered'));
    kept.give(next);
    const other = kept.take({ ...options, config: testConfig({ timeZone: 'UTC' }) });
    expect(other).not.toBe(pool);
    expect(pool.threads).toBe(0);
    kept.give(other);
    kept.close();
    expect(other.threads).toBe(0);
  });

  it('gives the same bytes in each build of a process that keeps a thread between them as on no thread', () => {
    const kept = new work.KeptThreads();
    const build = () => {
      const plan = pipeline.planSite(source.memorySource(files), testConfig(), new Date('2026-11-01T00:00:00Z'), { threads: 2, threadsKept: kept });
      const outputs = [...plan.outputs].map((output) => `${output.path}\n${[...output.chunks].join('')}`);
      plan.close();
      return outputs;
    };
    const none = buildWith(0).outputs;
    expect(build()).toEqual(none);
    expect(build()).toEqual(none);
    kept.close();
  });
});
