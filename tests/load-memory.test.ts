/**
 * What loading keeps once a file is loaded. A pool thread loads thousands of
 * post files with one term counter, and the daemon loads edited files for
 * weeks: neither may keep a file's text alive after its record is let go.
 * V8 keeps a substring as a view of the whole string it was cut from, so a
 * memo keyed by a date's text, or a spelling kept by the counter, would keep
 * its whole post file in memory (at 10,000 articles, some 50 MB per thread).
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cacheKey, LoadCache, openLoadCache, saveLoadCache } from '../src/load/cache.js';
import { sourceHash } from '../src/load/hash.js';
import { loadRecord } from '../src/load/loadPosts.js';
import { TermIndex, type PostTerms } from '../src/relate/terms.js';
import { recordContentDigest } from '../src/state/published.js';
import { collectGarbage } from './support/garbage.js';
import { NAMED_FROM_SITE, testConfig } from './support/site.js';


function heapAfterCollecting(): number {
  collectGarbage();
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

const FILES = 300;
/** Each file's padding: together far more than what loading may keep of them. */
const PADDING = 'The monitors recorded the hearing in full. '.repeat(1500);

/** A post whose date is its own (one entry of the date memo) or shared, and whose long words are its own (new spellings for the counter) or shared. */
function postFile(n: number, own: { dates: boolean; words: boolean }): { path: string; lang: string; text: string } {
  const m = own.dates ? n : 0;
  const day = String(1 + (m % 28)).padStart(2, '0');
  const minute = String(m % 60).padStart(2, '0');
  const hour = String(Math.floor(m / 60) % 24).padStart(2, '0');
  const word = `documentationcase${(own.words ? n : 0).toString(36)}`;
  const text = `---\ntitle: Hearing number ${n}\ndate: 2025-03-${day}T${hour}:${minute}:00\nupdated: 2025-04-${day}T${hour}:${minute}:30\n---\n\nThe ${word} was heard on the ${word}bis record.\n\n${PADDING}${n}\n`;
  return { path: `posts/en/hearing-${n}.md`, lang: 'en', text };
}

/** How much the heap grew, after collecting, over loading FILES posts with one counter, as a pool thread loads them. */
function heapGrowthLoading(own: { dates: boolean; words: boolean }): number {
  const config = testConfig();
  const counter = new TermIndex();
  // One file first, so that what loading sets up once (modules, the schema) is not counted.
  loadRecord(postFile(FILES + 1, { dates: true, words: true }), config, counter, true);
  const before = heapAfterCollecting();
  let loaded = 0;
  for (let n = 0; n < FILES; n++) if (loadRecord(postFile(n, own), config, counter, true).post) loaded++;
  expect(loaded).toBe(FILES);
  return heapAfterCollecting() - before;
}

/** The files' texts (about 19 MB) would stay whole; what a counter and the memos keep of them is a few hundred kB. */
const MOST_KEPT = (FILES * PADDING.length) / 10;

describe('what loading keeps', () => {
  it('keeps no post file text alive for the dates read from it', () => {
    expect(heapGrowthLoading({ dates: true, words: false })).toBeLessThan(MOST_KEPT);
  });

  it('keeps no post file text alive for the words the term counter met first in it', () => {
    expect(heapGrowthLoading({ dates: false, words: true })).toBeLessThan(MOST_KEPT);
  });

  it("lets a post's counts from the cache go with its record once the index has taken them in", async () => {
    const post = { sourcePath: 'posts/en/a.md', lang: 'en', title: 'Detention' };
    const index = new TermIndex();
    let record: { terms: PostTerms } | undefined = { terms: new TermIndex().count(post, 'Families describe the detention of relatives.') };
    let registry: FinalizationRegistry<string> | undefined;
    const released = new Promise<string>((resolve) => (registry = new FinalizationRegistry<string>(resolve)));
    registry?.register(record.terms, 'released');
    index.addCounted(post, record.terms);
    expect(index.holds(post, record.terms)).toBe(true);
    const taken = Array.from(index.of(post).ids, (id) => index.textOf(id));
    record = undefined;
    // A weak reference read in a job keeps its target until the job ends.
    await new Promise((resolve) => setTimeout(resolve, 0));
    heapAfterCollecting();
    const outcome = await Promise.race([released, new Promise((resolve) => setTimeout(resolve, 2000, 'still held'))]);
    expect(outcome).toBe('released');
    // What the index took in stays.
    expect(Array.from(index.of(post).ids, (id) => index.textOf(id))).toEqual(taken);
  });
});

/**
 * The memory of array buffers still held, once collected. V8 frees a
 * collection's buffers on a thread of its own, which a busy machine may run
 * late: it is read until it stops falling.
 */
async function arrayBuffersHeld(): Promise<number> {
  let last = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 20; round++) {
    collectGarbage();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const now = process.memoryUsage().arrayBuffers;
    if (now >= last) return now;
    last = now;
  }
  return last;
}

describe('what opening the load cache keeps', () => {
  it("keeps none of the store's bytes beyond each record's own term counts", async () => {
    // Long summaries of one word over and over: frames of several megabytes, and a handful of term counts.
    const config = testConfig({ feeds: { summaryLength: 100_000 } });
    const summary = 'Monitors '.repeat(4000).trim();
    const stored = new LoadCache();
    for (let n = 0; n < FILES; n++) {
      const file = { path: `posts/en/summary-${n}.md`, lang: 'en', text: `---\ntitle: Hearing ${n}\ndate: 2025-03-01\nsummary: ${summary}\n---\n\nMonitors.\n` };
      const record = loadRecord(file, config, new TermIndex(), true);
      expect(record.post?.summaryText.length).toBeGreaterThan(30_000);
      stored.keep(file.path, { lang: 'en', hash: sourceHash(file.text), record });
    }
    const state = await mkdtemp(join(tmpdir(), 'nashra-load-memory-'));
    await saveLoadCache(state, stored, cacheKey(config), NAMED_FROM_SITE);
    const before = await arrayBuffersHeld();
    const opened = openLoadCache(state, cacheKey(config), NAMED_FROM_SITE);
    expect(opened.problem).toBeUndefined();
    expect(opened.cache.byHash(`posts/en/summary-0.md`, 'en', sourceHash(`---\ntitle: Hearing 0\ndate: 2025-03-01\nsummary: ${summary}\n---\n\nMonitors.\n`))?.terms?.counts.length).toBeGreaterThan(0);
    const kept = (await arrayBuffersHeld()) - before;
    // The records are alive while it is measured.
    expect(opened.cache.recorded('posts/en/summary-1.md', 'en')).toBe(true);
    // The summaries alone are some 20 MB of frames; the term counts of 300 posts, a few kilobytes in blocks of 1 MB at most.
    expect(kept).toBeLessThan(3_000_000);
  });
});

describe('what taking the digest of the record of what was published keeps', () => {
  it('keeps no record text alive once its digest is taken', () => {
    /** A record text of some 20 MB, made here so that nothing else holds it. */
    const digestOfRecord = (posts: number): string => recordContentDigest(`{\n "version": 4,\n "at": "2026-12-03T12:00:00.000Z",\n "posts": [\n${'  {"path": "en/hearing.md"},\n'.repeat(posts)} ]\n}\n`);
    digestOfRecord(1);
    const before = heapAfterCollecting();
    const digest = digestOfRecord(700_000);
    // Measured first: a test's own regular expression (`toMatch`) would let the text go.
    const kept = heapAfterCollecting() - before;
    expect(digest.length).toBe(43);
    expect(kept).toBeLessThan(2_000_000);
  });
});
