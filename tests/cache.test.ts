/**
 * The load cache: a build reuses what loading each unchanged post file gave
 * (its post or its problems, and its term counts), never reads a file whose
 * stamp says it is unchanged, and writes byte for byte what a build loading
 * every post afresh writes. A cache that is missing, cut, damaged, or from
 * another config or version is rebuilt, never trusted, and never fails a build.
 */
import { cpSync, existsSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBuild, type BuildOutcome } from '../src/build.js';
import { CACHE_FILE, CacheMemory, cacheKey, LoadCache, openLoadCache, RACY_MARGIN_NS, saveLoadCache } from '../src/load/cache.js';
import type { SourceFile } from '../src/load/parsePost.js';
import type { FileStamp, ListedFile } from '../src/load/source.js';
import { loadPosts, type LoadResult } from '../src/load/loadPosts.js';
import { postDigest, shownDigest } from '../src/load/postDigest.js';
import { TermIndex } from '../src/relate/terms.js';
import { listFiles, NAMED_FROM_SITE, post, runCli, samplePosts, siteOnDisk, SPOILT_STORES, testConfig } from './support/site.js';
import { englishText, type Message } from '../src/i18n/message.js';

/** A cache's problem in English, as a reader of the API sees it. */
const problemText = (opened: { problem?: Message }): string | undefined => (opened.problem === undefined ? undefined : englishText(opened.problem));

const NOW = new Date('2026-11-01T00:00:00Z');
const samples = await samplePosts();
/** The sample posts, and one whose front matter is broken: its problems are part of its record too. */
const files: SourceFile[] = [...samples, { path: 'posts/en/broken.md', lang: 'en', text: post('title: [unclosed\ndate: 2026-01-01') }];

/** A load that counts terms, as a build's does, with the index it counted them into. */
type Counted = LoadResult & { readonly terms: TermIndex };
function loadCounted(listing: Parameters<typeof loadPosts>[0], config: ReturnType<typeof testConfig>, cache?: LoadCache): Counted {
  const terms = new TermIndex();
  return { ...loadPosts(listing, config, cache ? { terms, cache } : { terms }), terms };
}

/** Every post's terms spelt out with their counts and forms: what relating reads of a term index. */
function termsOf(loaded: Counted): string[] {
  return loaded.posts.map((p) => {
    const { ids, counts, definite } = loaded.terms.of(p);
    const spelt = (id: number): string => `${loaded.terms.langOf(id)}:${loaded.terms.textOf(id)}/${loaded.terms.formOf(id)}`;
    return `${p.sourcePath} ${Array.from(ids, (id, i) => `${spelt(id)}=${counts[i] ?? 0}`).sort().join(' ')} | ${Array.from(definite, spelt).sort().join(' ')}`;
  });
}

const asLoaded = (loaded: Counted) => ({ posts: loaded.posts, diagnostics: loaded.diagnostics, skipped: loaded.skippedFiles, terms: termsOf(loaded) });

/** A stamp taken long after the file last changed, unless `racy`. */
function stampOf(index: number, racy = false): FileStamp {
  const changed = 1_700_000_000_000_000_000n + BigInt(index) * 1_000n;
  return { size: 100n, mtimeNs: changed, ctimeNs: changed, ino: BigInt(index + 1), takenAtNs: changed + (racy ? RACY_MARGIN_NS / 2n : RACY_MARGIN_NS * 2n) };
}

/** The files as a disk source lists them, noting each one read. */
function listed(texts: readonly SourceFile[], reads: string[], stamp: (index: number) => FileStamp): ListedFile[] {
  return texts.map((file, index) => ({
    path: file.path,
    lang: file.lang,
    stamp: stamp(index),
    read: () => {
      reads.push(file.path);
      return file;
    },
  }));
}

/** A load whose records were stored and opened again from disk, as the next build finds them. */
async function storedAfter(first: LoadCache): Promise<LoadCache> {
  const state = await mkdtemp(join(tmpdir(), 'nashra-cache-'));
  await saveLoadCache(state, first, cacheKey(testConfig()), NAMED_FROM_SITE);
  const opened = openLoadCache(state, cacheKey(testConfig()), NAMED_FROM_SITE);
  expect(opened.problem).toBeUndefined();
  return opened.cache;
}

describe('loading with the cache', () => {
  const config = testConfig();
  const cold = loadCounted(files, config);

  it('does not read a file whose stamp is unchanged, and loads what loading it afresh gives', async () => {
    const first = new LoadCache();
    loadCounted(listed(files, [], stampOf), config, first);
    const reads: string[] = [];
    const cache = await storedAfter(first);
    const warm = loadCounted(listed(files, reads, stampOf), config, cache);
    expect(reads).toEqual([]);
    expect(cache.reused.byStamp).toBe(files.length);
    expect(asLoaded(warm)).toEqual(asLoaded(cold));
  });

  it('gives each post read back what other entries show of it, as stored, which is that of the post as read back', async () => {
    const first = new LoadCache();
    loadCounted(listed(files, [], stampOf), config, first);
    const warm = loadCounted(listed(files, [], stampOf), config, await storedAfter(first));
    expect(warm.posts.length).toBeGreaterThan(10);
    for (const read of warm.posts) expect(shownDigest(read)).toBe(shownDigest(structuredClone(read)));
  });

  it("gives each post read back its digest as stored, which is the digest of the post as read back", async () => {
    const first = new LoadCache();
    loadCounted(listed(files, [], stampOf), config, first);
    const warm = loadCounted(listed(files, [], stampOf), config, await storedAfter(first));
    expect(warm.posts.length).toBeGreaterThan(10);
    for (const read of warm.posts) {
      const file = NAMED_FROM_SITE.recorded(read.sourcePath, read.lang);
      // A copy is a post the digest was never told of: its digest is worked out afresh.
      expect(postDigest(read, file)).toBe(postDigest(structuredClone(read), file));
    }
  });

  it('reads a file whose size, times or inode changed, and only that one', async () => {
    const first = new LoadCache();
    loadCounted(listed(files, [], stampOf), config, first);
    const edited = files.map((file, index) => (index === 3 ? { ...file, text: file.text.replace(/title: .*/, 'title: Edited since') } : file));
    const reads: string[] = [];
    const moved = (index: number): FileStamp => (index === 3 ? { ...stampOf(index), mtimeNs: stampOf(index).mtimeNs + 1n } : stampOf(index));
    const warm = loadCounted(listed(edited, reads, moved), config, await storedAfter(first));
    expect(reads).toEqual([files[3]?.path]);
    expect(warm.posts.find((p) => p.sourcePath === files[3]?.path)?.title).toBe('Edited since');
    expect(asLoaded(warm)).toEqual(asLoaded(loadCounted(edited, config)));
  });

  it('reads every file stamped within the racy margin of its last change, and sees an edit that kept the stamp', async () => {
    const first = new LoadCache();
    const racy = (index: number): FileStamp => stampOf(index, true);
    loadCounted(listed(files, [], racy), config, first);
    const edited = files.map((file, index) => (index === 5 ? { ...file, text: file.text.replace(/title: .*/, 'title: Saved in the same tick') } : file));
    const reads: string[] = [];
    const cache = await storedAfter(first);
    const warm = loadCounted(listed(edited, reads, racy), config, cache);
    expect(reads).toHaveLength(files.length);
    expect(cache.reused).toEqual({ byStamp: 0, byHash: files.length - 1 });
    expect(warm.posts.find((p) => p.sourcePath === files[5]?.path)?.title).toBe('Saved in the same tick');
    expect(asLoaded(warm)).toEqual(asLoaded(loadCounted(edited, config)));
  });

  it('is not stored again for a few files read for their stamp alone, nor for a few edits; it is for many of either', async () => {
    const first = new LoadCache();
    // The last file was saved just before the build that stored it: its stamp cannot be trusted yet.
    const lastRacy = (index: number): FileStamp => stampOf(index, index === files.length - 1);
    loadCounted(listed(files, [], lastRacy), config, first);
    const restamped = await storedAfter(first);
    loadCounted(listed(files, [], stampOf), config, restamped);
    expect(restamped.reused).toEqual({ byStamp: files.length - 1, byHash: 1 });
    expect(restamped.changed).toBe(false);

    const many = Array.from({ length: 70 }, (_, i) => ({ path: `posts/en/many-${i}.md`, lang: 'en', text: post(`title: Note ${i}\ndate: 2026-01-01`) }));
    const third = new LoadCache();
    loadCounted(listed(many, [], (index) => stampOf(index, true)), config, third);
    const manyRestamped = await storedAfter(third);
    loadCounted(listed(many, [], stampOf), config, manyRestamped);
    expect(manyRestamped.changed).toBe(true);

    // A few edits: the next build loads those files again, which costs less than writing every record again.
    const editedFirst = (count: number) => files.map((file, index) => (index < count ? { ...file, text: `${file.text}\nEdited.\n` } : file));
    const stampsAfter = (count: number) => (index: number): FileStamp => (index < count ? { ...stampOf(index), size: 101n } : stampOf(index));
    const trusted = new LoadCache();
    loadCounted(listed(files, [], stampOf), config, trusted);
    const fewEdits = await storedAfter(trusted);
    loadCounted(listed(editedFirst(1), [], stampsAfter(1)), config, fewEdits);
    expect(fewEdits.changed).toBe(false);
    // So the next build loads that file again, and that file alone.
    const next = await storedAfter(trusted);
    const again = loadCounted(listed(editedFirst(1), [], stampsAfter(1)), config, next);
    expect(next.reused).toEqual({ byStamp: files.length - 1, byHash: 0 });
    expect(asLoaded(again)).toEqual(asLoaded(loadCounted(editedFirst(1), config)));
    const manyEdits = await storedAfter(trusted);
    loadCounted(listed(editedFirst(9), [], stampsAfter(9)), config, manyEdits);
    expect(manyEdits.changed).toBe(true);
  });

  it('shows a term as the posts still counted write it, not as a post since gone wrote it', () => {
    const shorter = { sourcePath: 'a', lang: 'en', title: 'Detain' };
    const longer = { sourcePath: 'b', lang: 'en', title: 'Detained' };
    const both = new TermIndex();
    both.count(shorter, '');
    const record = both.count(longer, '');
    const fromRecord = new TermIndex();
    fromRecord.addCounted(longer, record);
    const afresh = new TermIndex();
    afresh.add(longer, '');
    const forms = (index: TermIndex) => Array.from(index.of(longer).ids, (id) => index.formOf(id));
    const stem = afresh.textOf(afresh.of(longer).ids[0] ?? -1);
    expect(both.formOf(both.idFor('en', stem) ?? -1)).toBe('detain');
    expect(forms(fromRecord)).toEqual(forms(afresh));
    expect(forms(fromRecord)).toEqual(['detained']);
  });

  it('shows each term in its preferred form whatever order the records sharing one string table are taken in', () => {
    const titles = ['Detained', 'Detaining', 'Detain', 'Detained again', 'Detains', 'Detain'];
    const posts = titles.map((title, index) => ({ sourcePath: `p${index}`, lang: 'en', title }));
    const counter = new TermIndex();
    const records = posts.map((post) => ({ post, record: counter.count(post, '') }));
    const afresh = new TermIndex();
    for (const post of posts) afresh.add(post, '');
    const formsOf = (index: TermIndex) => posts.map((post) => Array.from(index.of(post).ids, (id) => index.formOf(id)).join(' '));
    for (const order of [records, [...records].reverse(), [records[2], records[0], records[4], records[1], records[5], records[3]]]) {
      const fromRecords = new TermIndex();
      for (const entry of order) if (entry) fromRecords.addCounted(entry.post, entry.record);
      expect(formsOf(fromRecords)).toEqual(formsOf(afresh));
    }
    expect(formsOf(afresh)[0]).toBe('detain');
  });
});

describe("the term index a process keeps from build to build (the daemon's)", () => {
  /** Every post's terms and counts, without the forms shown in explanations (a kept index remembers the forms of texts gone). */
  const countsIn = (posts: readonly { sourcePath: string }[], index: TermIndex): string[] =>
    posts.map((p) => {
      const { ids, counts } = index.of(p);
      return `${p.sourcePath} ${Array.from(ids, (id, i) => `${index.langOf(id)}:${index.textOf(id)}=${counts[i] ?? 0}`).sort().join(' ')}`;
    });

  it("keeps none of the counts it gives for the cache: a pool thread's counter would hold every post it counted", () => {
    const counter = new TermIndex();
    const post = { sourcePath: 'posts/en/a.md', lang: 'en', title: 'Detention' };
    const counted = counter.count(post, 'Families describe the detention of relatives.');
    expect(counted.terms.length).toBeGreaterThan(0);
    expect(() => counter.of(post)).toThrow(/no term counts/);
  });

  it('lets go of the counts of a post file deleted since the last build', () => {
    const config = testConfig();
    const kept = new TermIndex();
    const cache = new LoadCache();
    const first = loadPosts(files, config, { terms: kept, cache });
    const gone = first.posts[0];
    if (!gone) throw new Error('no post loaded');
    expect(kept.of(gone).ids.length).toBeGreaterThan(0);
    const again = loadPosts(files.filter((file) => file.path !== gone.sourcePath), config, { terms: kept, cache: new LoadCache(cache.entries) });
    expect(() => kept.of(gone)).toThrow(/no term counts/);
    const fresh = loadCounted(files.filter((file) => file.path !== gone.sourcePath), config);
    expect(countsIn(again.posts, kept)).toEqual(countsIn(fresh.posts, fresh.terms));
  });

  it('takes the new counts of a post whose record changed, though another index counted them (a pool thread, another process)', () => {
    const config = testConfig();
    const kept = new TermIndex();
    const first = new LoadCache();
    loadPosts(files, config, { terms: kept, cache: first });
    const target = files.find((file) => file.path === 'posts/en/women-defenders-workshop.md');
    if (!target) throw new Error('the sample post is missing');
    const rewritten = { ...target, text: `${target.text.slice(0, target.text.indexOf('\n---', 4) + 5)}\nMigrants expelled from the southern coast describe collective expulsions at night.\n` };
    const elsewhere = new LoadCache();
    loadPosts([rewritten], config, { terms: new TermIndex(), cache: elsewhere });
    const edited = files.map((file) => (file === target ? rewritten : file));
    const again = loadPosts(edited, config, { terms: kept, cache: new LoadCache(new Map([...first.entries, ...elsewhere.entries])) });
    const fresh = loadCounted(edited, config);
    expect(countsIn(again.posts, kept)).toEqual(countsIn(fresh.posts, fresh.terms));
    expect(countsIn(again.posts, kept).find((line) => line.startsWith('posts/en/women-defenders'))).toMatch(/en:migrant=/);
  });
});

describe('the stored cache', () => {
  async function stored(): Promise<{ state: string; key: string }> {
    const state = await mkdtemp(join(tmpdir(), 'nashra-cache-'));
    const cache = new LoadCache();
    loadCounted(listed(files, [], stampOf), testConfig(), cache);
    const key = cacheKey(testConfig());
    await saveLoadCache(state, cache, key, NAMED_FROM_SITE);
    return { state, key };
  }

  it('is remembered by a process that builds again, and read again once another process wrote it', async () => {
    const { state, key } = await stored();
    const memory = new CacheMemory();
    const first = memory.open(state, key, NAMED_FROM_SITE).cache;
    loadCounted(listed(files, [], stampOf), testConfig(), first);
    const path = files[0]?.path ?? '';
    const lang = files[0]?.lang ?? '';
    const record = first.byStamp(path, lang, stampOf(0));
    expect(record).toBeDefined();
    await saveLoadCache(state, first, key, NAMED_FROM_SITE);
    memory.keep(state, key, first);

    // The very records of the last build: nothing was read back.
    const next = memory.open(state, key, NAMED_FROM_SITE).cache;
    expect(next.byStamp(path, lang, stampOf(0))).toBe(record);
    loadCounted(listed(files, [], stampOf), testConfig(), next);
    memory.keep(state, key, next);

    // Another process stores the records again: the store is read, as any build would read it.
    const other = new LoadCache();
    loadCounted(listed(files, [], stampOf), testConfig(), other);
    await saveLoadCache(state, other, key, NAMED_FROM_SITE);
    const reread = memory.open(state, key, NAMED_FROM_SITE).cache;
    expect(reread.byStamp(path, lang, stampOf(0))).not.toBe(record);
    expect(reread.byStamp(path, lang, stampOf(0))).toEqual(record);
  });

  for (const [how, spoil] of Object.entries(SPOILT_STORES)) {
    it(`is ignored, with the reason, when ${how}`, async () => {
      const { state, key } = await stored();
      spoil(join(state, CACHE_FILE));
      const opened = openLoadCache(state, key, NAMED_FROM_SITE);
      expect(problemText(opened)).toMatch(/damaged or incomplete/);
      expect(opened.cache.byStamp(files[0]?.path ?? '', 'en', stampOf(0))).toBeUndefined();
    });
  }

  it('keeps records across many frames (read into one buffer, one after another), each file with its own terms, from two string tables merged into one', async () => {
    const older = ['rights', 'water', 'oasis'];
    const newer = ['oasis', 'press', 'freedom'];
    const cache = new LoadCache();
    const count = 1_234;
    for (let index = 0; index < count; index++) {
      const strings = index % 3 === 0 ? newer : older;
      const term = index % strings.length;
      cache.keep(`posts/en/p${index}.md`, {
        lang: 'en',
        hash: `hash-${index}`,
        stamp: stampOf(index),
        record: { diagnostics: [], terms: { strings, terms: Int32Array.of(term), forms: Int32Array.of(term), counts: Uint8Array.of(index % 200), flags: Uint8Array.of(0) } },
      });
    }
    const opened = await storedAfter(cache);
    for (let index = 0; index < count; index++) {
      const terms = opened.byHash(`posts/en/p${index}.md`, 'en', `hash-${index}`)?.terms;
      const strings = index % 3 === 0 ? newer : older;
      expect(terms && terms.strings[terms.terms[0] ?? -1]).toBe(strings[index % strings.length]);
      expect(terms?.counts[0]).toBe(index % 200);
    }
  });

  it('is not used, with a warning, when an older nashra wrote it in another format', async () => {
    const { state, key } = await stored();
    writeFileSync(join(state, CACHE_FILE), Buffer.concat([Buffer.from('nashra load cache\n'), Buffer.alloc(20), Buffer.from('older body')]));
    const opened = openLoadCache(state, key, NAMED_FROM_SITE);
    expect(problemText(opened)).toMatch(/written by another version of nashra/);
    expect(opened.cache.byStamp(files[0]?.path ?? '', files[0]?.lang ?? '', stampOf(0))).toBeUndefined();
  });

  it('is ignored, with the reason, when bytes were added after its end', async () => {
    const { state, key } = await stored();
    writeFileSync(join(state, CACHE_FILE), Buffer.concat([readFileSync(join(state, CACHE_FILE)), Buffer.from('x')]));
    expect(problemText(openLoadCache(state, key, NAMED_FROM_SITE))).toMatch(/damaged or incomplete/);
  });

  it('is not used for another config, quietly', async () => {
    const { state, key } = await stored();
    expect(openLoadCache(state, key, NAMED_FROM_SITE).cache.byStamp(files[0]?.path ?? '', files[0]?.lang ?? '', stampOf(0))).toBeDefined();
    for (const other of [cacheKey(testConfig({ timeZone: 'UTC' })), cacheKey(testConfig({ limits: { titleLength: 40 } }))]) {
      expect(other).not.toBe(key);
      const opened = openLoadCache(state, other, NAMED_FROM_SITE);
      expect(opened.problem).toBeUndefined();
      expect(opened.cache.byStamp(files[0]?.path ?? '', files[0]?.lang ?? '', stampOf(0))).toBeUndefined();
    }
  });

  it('is used for a config that differs only in settings no record is made from: names, rights, strings, feeds, schedule, relating, profiles', async () => {
    const { state, key } = await stored();
    const languages = (en: Record<string, unknown>) => ({ en: { siteName: 'Example Rights Centre', rights: 'CC BY 4.0', ...en }, ar: { siteName: 'مركز الحقوق النموذجي', rights: 'CC BY 4.0' } });
    const elsewhere = [
      { languages: languages({ siteName: 'A centre renamed', rights: 'All rights reserved', direction: 'ltr', strings: { readMore: 'More' } }) },
      { feeds: { tombstoneDays: 7, archiveFullContent: true, setUpdatedOnCorrection: true } },
      { schedule: { cron: '0 * * * *', debounceMs: 50 } },
      { related: { halfLifeDays: 30 } },
      { generator: 'another', feedsPath: 'syndication/', maxShrink: 0.9, licenseUrl: 'https://creativecommons.org/licenses/by/4.0/' },
      { profiles: { partner: { path: 'partners/wire' } } },
    ];
    for (const overrides of elsewhere) {
      expect(cacheKey(testConfig(overrides))).toBe(key);
      expect(openLoadCache(state, cacheKey(testConfig(overrides)), NAMED_FROM_SITE).cache.byStamp(files[0]?.path ?? '', files[0]?.lang ?? '', stampOf(0))).toBeDefined();
    }
    // What a record is made from: each gives another key.
    const reaching = [
      { baseUrl: 'https://elsewhere.example.org/' },
      { timeZone: 'UTC' },
      { publishFuture: true },
      { categorySlugs: { Statements: 'statements-2' } },
      { limits: { titleLength: 40 } },
      { content: { fileNameDates: true } },
      { languages: languages({ urlPattern: '/{lang}/{year}/{slug}/' }) },
      { feeds: { summaryLength: 120 } },
      { feeds: { urlIdsBefore: '2020-01-01' } },
    ];
    for (const overrides of reaching) expect(cacheKey(testConfig(overrides)), JSON.stringify(overrides)).not.toBe(key);
  });

  it('is not used, with a warning, when another version of nashra wrote it', async () => {
    const state = await mkdtemp(join(tmpdir(), 'nashra-cache-'));
    const cache = new LoadCache();
    loadCounted(listed(files, [], stampOf), testConfig(), cache);
    await saveLoadCache(state, cache, cacheKey(testConfig(), 'code of 999.0.0'), NAMED_FROM_SITE, 'code of 999.0.0');
    const opened = openLoadCache(state, cacheKey(testConfig()), NAMED_FROM_SITE);
    expect(problemText(opened)).toMatch(/written by another version of nashra/);
    expect(opened.cache.byStamp(files[0]?.path ?? '', files[0]?.lang ?? '', stampOf(0))).toBeUndefined();
    // The same version finds it, and says nothing.
    const same = openLoadCache(state, cacheKey(testConfig(), 'code of 999.0.0'), NAMED_FROM_SITE, 'code of 999.0.0');
    expect(same.problem).toBeUndefined();
    expect(same.cache.byStamp(files[0]?.path ?? '', files[0]?.lang ?? '', stampOf(0))).toBeDefined();
  });
});

describe('a build with the cache', () => {
  const now = NOW;
  const site = siteOnDisk(Object.fromEntries(files.map((file) => [file.path.replace(/^posts\//, ''), file.text])));

  async function outputs(out: string): Promise<Record<string, string>> {
    const names = await listFiles(out);
    return Object.fromEntries(await Promise.all(names.map(async (name) => [name, await readFile(join(out, name), 'utf8')] as const)));
  }

  async function build(dir: string, state: string, out: string, cache = true): Promise<BuildOutcome> {
    return runBuild({ config: join(dir, 'nashra.config.yaml'), posts: join(dir, 'posts'), out: join(dir, out), state: join(dir, state) }, now, { cache, allowShrink: true });
  }

  /** Builds with the cache and, from a copy of the same state, without it: the two outputs. */
  async function withAndWithout(dir: string, round: string): Promise<{ warm: BuildOutcome; cached: Record<string, string>; afresh: Record<string, string> }> {
    cpSync(join(dir, 'state'), join(dir, `state-${round}`), { recursive: true });
    const warm = await build(dir, 'state', `out-${round}`);
    await build(dir, `state-${round}`, `out-${round}-afresh`, false);
    return { warm, cached: await outputs(join(dir, `out-${round}`)), afresh: await outputs(join(dir, `out-${round}-afresh`)) };
  }

  it('writes the same bytes cold, warm, after an edit, an edit that kept size and time, a config change, a cache an older nashra wrote, and a damaged cache', async () => {
    const dir = await site;
    const cold = await build(dir, 'state', 'out-cold');
    expect(cold.cacheUse).toEqual({ unread: 0, reread: 0, outputs: false });
    const coldOutputs = await outputs(join(dir, 'out-cold'));
    expect(Object.keys(coldOutputs)).toContain('en/related/index.json');

    const unchanged = await withAndWithout(dir, 'unchanged');
    expect(unchanged.warm.cacheUse.unread + unchanged.warm.cacheUse.reread).toBe(files.length);
    expect(unchanged.cached).toEqual(coldOutputs);
    expect(unchanged.afresh).toEqual(coldOutputs);

    const edited = join(dir, 'posts', files[0]?.path.replace(/^posts\//, '') ?? '');
    writeFileSync(edited, readFileSync(edited, 'utf8').replace(/title: .*/, 'title: A title edited for the cache test'));
    const afterEdit = await withAndWithout(dir, 'edit');
    expect(afterEdit.cached).toEqual(afterEdit.afresh);
    expect(afterEdit.cached['en/rss.xml']).toContain('A title edited for the cache test');

    const before = statSync(edited);
    writeFileSync(edited, readFileSync(edited, 'utf8').replace('A title edited for the cache test', 'A title EDITED for the cache test'));
    utimesSync(edited, before.atime, before.mtime);
    expect(statSync(edited).size).toBe(before.size);
    const sameStamp = await withAndWithout(dir, 'touch');
    expect(sameStamp.cached).toEqual(sameStamp.afresh);
    expect(sameStamp.cached['en/rss.xml']).toContain('A title EDITED for the cache test');

    const configFile = join(dir, 'nashra.config.yaml');
    writeFileSync(configFile, JSON.stringify({ ...JSON.parse(readFileSync(configFile, 'utf8')), limits: { titleLength: 40 } }));
    const afterConfig = await withAndWithout(dir, 'config');
    expect(afterConfig.warm.cacheUse).toEqual({ unread: 0, reread: 0, outputs: false });
    expect(afterConfig.cached).toEqual(afterConfig.afresh);
    expect(afterConfig.warm.diagnostics.some((d) => d.field === 'title' && /titleLength/.test(d.message))).toBe(true);

    // Settings no record is made from: every post is taken from the cache, and the outputs show the change all the same.
    const written = JSON.parse(readFileSync(configFile, 'utf8')) as { languages: Record<string, Record<string, unknown>> };
    const renamed = { ...written.languages, en: { ...written.languages.en, siteName: 'A centre renamed for the cache test' } };
    writeFileSync(configFile, JSON.stringify({ ...written, languages: renamed, feeds: { tombstoneDays: 7 }, schedule: { cron: '0 * * * *' } }));
    const afterSettings = await withAndWithout(dir, 'settings');
    expect(afterSettings.warm.cacheUse.unread + afterSettings.warm.cacheUse.reread).toBe(files.length);
    expect(afterSettings.cached).toEqual(afterSettings.afresh);
    expect(afterSettings.cached['en/rss.xml']).toContain('A centre renamed for the cache test');

    // As an older nashra would have left it: the same store under another format's first line.
    const storePath = join(dir, 'state', CACHE_FILE);
    const store = readFileSync(storePath);
    const firstLine = store.indexOf(0x0a) + 1;
    writeFileSync(storePath, Buffer.concat([Buffer.from('nashra load cache 1\n'), store.subarray(firstLine)]));
    const older = await withAndWithout(dir, 'older');
    expect(older.warm.cacheUse).toEqual({ unread: 0, reread: 0, outputs: false });
    expect(older.cached).toEqual(older.afresh);
    expect(older.warm.diagnostics.filter((d) => d.field === 'state').map((d) => d.message)).toEqual([expect.stringMatching(/written by another version of nashra/)]);

    writeFileSync(join(dir, 'state', CACHE_FILE), 'garbage');
    const damaged = await withAndWithout(dir, 'damaged');
    expect(damaged.cached).toEqual(damaged.afresh);
    expect(damaged.warm.failed).toBe(afterConfig.warm.failed);
    expect(damaged.warm.diagnostics.filter((d) => d.field === 'state').map((d) => d.message)).toEqual([expect.stringMatching(/damaged or incomplete/)]);
    expect(openLoadCache(join(dir, 'state'), cacheKey(damaged.warm.config), NAMED_FROM_SITE).problem).toBeUndefined();
  }, 60_000);

  it('keeps the output in place, composing nothing, after a config change that reaches no document: the schedule, maxShrink', async () => {
    const dir = await siteOnDisk({ 'en/a.md': post('title: A\ndate: 2026-01-01'), 'ar/a.md': post('title: أ\ndate: 2026-01-01') });
    const configFile = join(dir, 'nashra.config.yaml');
    const config = JSON.parse(readFileSync(configFile, 'utf8')) as Record<string, unknown>;
    expect((await build(dir, 'state', 'out')).cacheUse.outputs).toBe(false);
    writeFileSync(configFile, JSON.stringify({ ...config, schedule: { cron: '0 * * * *', debounceMs: 900 }, maxShrink: 0.9 }));
    expect((await build(dir, 'state', 'out')).cacheUse.outputs).toBe(true);
    // One that does reach them is composed.
    writeFileSync(configFile, JSON.stringify({ ...config, generator: 'nashra for the cache test' }));
    expect((await build(dir, 'state', 'out')).cacheUse.outputs).toBe(false);
    expect(readFileSync(join(dir, 'out/en/atom.xml'), 'utf8')).toContain('nashra for the cache test');
  });

  it('is stored before the outputs by a build, and after them by a process that keeps its records, so a saved post does not wait for it', async () => {
    const dir = await site;
    const paths = (state: string, out: string) => ({ config: join(dir, 'nashra.config.yaml'), posts: join(dir, 'posts'), out: join(dir, out), state: join(dir, state) });
    const storedAtCommit = async (state: string, out: string, memory?: CacheMemory): Promise<boolean> => {
      let stored = false;
      await runBuild(paths(state, out), now, { allowShrink: true, ...(memory ? { memory } : {}), beforeCommit: () => { stored = existsSync(join(dir, state, CACHE_FILE)); } });
      return stored;
    };
    expect(await storedAtCommit('state-order-build', 'out-order-build')).toBe(true);
    const memory = new CacheMemory();
    expect(await storedAtCommit('state-order-daemon', 'out-order-daemon', memory)).toBe(false);
    expect(existsSync(join(dir, 'state-order-daemon', CACHE_FILE))).toBe(true);
    expect(await outputs(join(dir, 'out-order-daemon'))).toEqual(await outputs(join(dir, 'out-order-build')));
  });

  it('is used by a build run from another directory, whose output and problems are those of a build from there without it, and which keeps the output in place', async () => {
    const dir = await siteOnDisk(Object.fromEntries(files.map((file) => [file.path.replace(/^posts\//, ''), file.text])));
    await build(dir, 'state', 'out');
    // Another directory: the files are listed as `../…` from there, the store named them `posts/…`.
    const fromElsewhere = async (run: () => Promise<BuildOutcome>): Promise<BuildOutcome> => {
      const before = process.cwd();
      process.chdir(join(dir, 'posts', 'en'));
      try {
        return await run();
      } finally {
        process.chdir(before);
      }
    };
    cpSync(join(dir, 'state'), join(dir, 'state-afresh'), { recursive: true });
    const warm = await fromElsewhere(() => build(dir, 'state', 'out'));
    const afresh = await fromElsewhere(() => build(dir, 'state-afresh', 'out-afresh', false));
    expect(warm.cacheUse.unread + warm.cacheUse.reread).toBe(files.length);
    // Made from the same posts: found in place, not composed again.
    expect(warm.cacheUse.outputs).toBe(true);
    expect(warm.diagnostics.some((d) => d.file.startsWith('..'))).toBe(true);
    expect(warm.diagnostics).toEqual(afresh.diagnostics);
    expect(await outputs(join(dir, 'out'))).toEqual(await outputs(join(dir, 'out-afresh')));
  });

  it('is neither read nor written with --no-cache, which writes the same bytes', async () => {
    const dir = await site;
    const args = ['build', '--now', NOW.toISOString(), '--allow-shrink'];
    await runCli([...args, '--state-dir', 'cli-state', '-o', 'cli-out'], dir);
    expect(await listFiles(join(dir, 'cli-state', 'cache'))).toEqual(['bodies.v8', 'posts.v8']);
    const run = await runCli([...args, '--state-dir', 'cli-state-none', '-o', 'cli-out-none', '--no-cache'], dir);
    expect(run.code).toBeLessThanOrEqual(1);
    expect(await listFiles(join(dir, 'cli-state-none', 'cache'))).toEqual([]);
    expect(await outputs(join(dir, 'cli-out-none'))).toEqual(await outputs(join(dir, 'cli-out')));
  }, 60_000);
});
