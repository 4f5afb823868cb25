/** Related articles as the site and partners read them: the per-article related files, pins, and `nashra related`. */
import { mkdtemp, readFile, rename as renameFile, stat } from 'node:fs/promises';
import { get as httpGet } from 'node:http';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { plantedCorpus } from '../src/bench/plantedCorpus.js';
import { formatDiagnostic } from '../src/diagnostics.js';
import { memorySource } from '../src/load/source.js';
import { planSite, type BuildResult } from '../src/pipeline.js';
import { startServer } from '../src/serve/server.js';
import { writeOutputs } from '../src/write/output.js';
import { buildInMemory, listFiles, outputOf, post, projectConfig, runCli, ROOT, samplePosts, siteOnDisk, sourceFiles, testConfig } from './support/site.js';

interface RelatedArticle {
  version: number;
  language: string;
  id: string;
  url: string;
  related: { id: string; language: string; summary: string }[];
}

interface RelatedIndex {
  version: number;
  language: string;
  articles: Record<string, { file: string; url: string }>;
}

interface JsonFeed {
  items: { id: string; _nashra: { related: { id: string }[] } }[];
}

const NOW = new Date('2026-11-01T00:00:00Z');

function relatedIndexOf(result: BuildResult, lang: string): RelatedIndex {
  return JSON.parse(outputOf(result, `${lang}/related/index.json`)) as RelatedIndex;
}

/** The related file of the article at `url`, found the way a page that knows only its URL finds it: through the index. */
function relatedFileOf(result: BuildResult, lang: string, url: string): RelatedArticle {
  const entry = Object.values(relatedIndexOf(result, lang).articles).find((article) => article.url === url);
  if (!entry) throw new Error(`${url} is not in ${lang}/related/index.json`);
  return JSON.parse(outputOf(result, `${lang}/related/${entry.file}`)) as RelatedArticle;
}

function relatedPaths(result: { outputs: readonly { path: string }[] }): string[] {
  return result.outputs.map((output) => output.path).filter((path) => /^\w+\/related\//.test(path)).sort();
}

describe('per-article related files', () => {
  it('give every published article its own file, named by its slug, with the same list as the feeds', async () => {
    const result = buildInMemory(await samplePosts(), await projectConfig());
    for (const lang of ['en', 'ar']) {
      const live = result.posts.filter((p) => p.lang === lang);
      expect(relatedPaths(result).filter((path) => path.startsWith(`${lang}/`))).toEqual([...live.map((p) => `${lang}/related/${p.slug}.json`), `${lang}/related/index.json`].sort());
      const index = relatedIndexOf(result, lang);
      expect(index).toMatchObject({ version: 1, language: lang });
      expect(Object.entries(index.articles).map(([key, entry]) => [key, entry.file, entry.url]).sort()).toEqual(live.map((p) => [p.slug, `${p.slug}.json`, p.url]).sort());
      const feed = JSON.parse(outputOf(result, `${lang}/feed.json`)) as JsonFeed;
      for (const post of live) {
        const file = JSON.parse(outputOf(result, `${lang}/related/${post.slug}.json`)) as RelatedArticle;
        expect(file).toMatchObject({ version: 1, language: lang, id: post.id, url: post.url });
        const item = feed.items.find((candidate) => candidate.id === post.id);
        if (item) expect(file.related.map((r) => r.id)).toEqual(item._nashra.related.map((r) => r.id));
        for (const related of file.related) expect(related.summary.length).toBeGreaterThan(0);
      }
    }
  });

  it('replace the whole-file related.json, which a site that reads it gets back with feeds.relatedWholeFile', async () => {
    const config = await projectConfig();
    const result = buildInMemory(await samplePosts(), config);
    expect(result.outputs.map((output) => output.path)).not.toContain('en/related.json');
    const withWholeFile = buildInMemory(await samplePosts(), { ...config, feeds: { ...config.feeds, relatedWholeFile: true } });
    for (const lang of ['en', 'ar']) {
      const whole = JSON.parse(outputOf(withWholeFile, `${lang}/related.json`)) as { language: string; articles: Omit<RelatedArticle, 'version' | 'language'>[] };
      expect(whole.language).toBe(lang);
      expect(whole.articles.map((article) => article.id)).toEqual(result.posts.filter((p) => p.lang === lang).map((p) => p.id).sort());
      // The whole file keeps the scores it always had; the per-article files leave them out, so an unchanged list keeps its bytes.
      const unscored = (entries: readonly object[]) => entries.map((entry) => Object.fromEntries(Object.entries(entry).filter(([key]) => key !== 'score')));
      for (const article of whole.articles) expect(relatedFileOf(result, lang, article.url).related).toEqual(unscored(article.related));
    }
  });

  it('keep their bytes when a new article leaves their list as it was, though it moves every score a little', async () => {
    const config = await projectConfig();
    const posts = await samplePosts();
    const before = buildInMemory(posts, config);
    const newcomer = post('title: Workshop on archiving testimonies\ndate: 2026-10-30T09:00:00Z\ncategories: [News]\ntags: [training]', 'The centre held a two-day workshop on archiving testimonies safely for twelve local volunteers.\n');
    const after = buildInMemory([...posts, ...sourceFiles({ 'en/workshop.md': newcomer })], config);
    const files = (result: typeof before) => new Map(result.outputs.filter((output) => /^en\/related\/(?!index\.json)/.test(output.path)).map((output) => [output.path, output.content]));
    const [old, now] = [files(before), files(after)];
    const listOf = (content: string) => (JSON.parse(content) as RelatedArticle).related.map((entry) => entry.id).join(' ');
    const kept = [...old].filter(([path, content]) => now.has(path) && listOf(now.get(path) ?? '') === listOf(content));
    expect(kept.length).toBeGreaterThan(0);
    for (const [path, content] of kept) expect(now.get(path), path).toBe(content);
  });

  it('give an article whose slug another shares (or that is "index") a name of its own, which the index maps from its URL', () => {
    const result = buildInMemory(
      sourceFiles({
        'en/a.md': post('title: Detention in the north\ndate: 2026-03-01\nslug: detention\ncategories: [News]\ntags: [detention]'),
        'en/b.md': post('title: Detention in the south\ndate: 2026-03-02\nslug: detention\ncategories: [Reports]\ntags: [detention]'),
        'en/c.md': post('title: The index of cases\ndate: 2026-03-03\nslug: index\ntags: [detention]'),
        'en/d.md': post('title: Detention, again\ndate: 2026-03-04\nslug: Detention-Again\ntags: [detention]'),
        'en/e.md': post('title: Detention, once more\ndate: 2026-03-05\nslug: detention-again\ncategories: [News]\ntags: [detention]'),
        'ar/f.md': post('title: الاحتجاز\ndate: 2026-03-01\nslug: الاحتجاز\ntags: [احتجاز]'),
      }),
      testConfig(),
      NOW,
    );
    expect(result.diagnostics).toEqual([]);
    const keys = Object.keys(relatedIndexOf(result, 'en').articles);
    expect(keys).toHaveLength(5);
    expect(keys.every((key) => /^(detention|index|Detention-Again|detention-again)~[0-9a-f]{10}$/.test(key))).toBe(true);
    for (const p of result.posts.filter((candidate) => candidate.lang === 'en')) expect(relatedFileOf(result, 'en', p.url).id).toBe(p.id);
    expect(relatedFileOf(result, 'ar', result.posts.find((p) => p.lang === 'ar')?.url ?? '').language).toBe('ar');
    expect(relatedPaths(result)).toContain('ar/related/الاحتجاز.json');
  });

  it('are written by the atomic writer: the index renamed into place after every file it names, a withdrawn article\'s file removed in the same build', async () => {
    const out = await mkdtemp(join(tmpdir(), 'nashra-related-'));
    const manifestPath = join(out, '..', `${basename(out)}.manifest.json`);
    const posts = {
      'en/a.md': post('title: Detention report\ndate: 2026-03-01\ntags: [detention]'),
      'en/b.md': post('title: Detention statement\ndate: 2026-03-02\ntags: [detention]'),
    };
    const first = await writeOutputs(out, planSite(memorySource(sourceFiles(posts)), testConfig(), NOW, { threads: 0 }).outputs, { manifestPath });
    expect(relatedPaths({ outputs: first.written.map((path) => ({ path })) })).toEqual(['ar/related/index.json', 'en/related/a.json', 'en/related/b.json', 'en/related/index.json']);
    const renames: string[] = [];
    const rename = async (from: string, to: string) => {
      renames.push(to.slice(out.length + 1));
      await renameFile(from, to);
    };
    const changed = { 'en/a.md': posts['en/a.md'], 'en/c.md': post('title: Detention appeal\ndate: 2026-03-03\ntags: [detention]') };
    const second = await writeOutputs(out, planSite(memorySource(sourceFiles(changed)), testConfig(), NOW, { threads: 0 }).outputs, { manifestPath, io: { rename } });
    const related = renames.filter((path) => path.startsWith('en/related/'));
    expect(related.indexOf('en/related/index.json')).toBe(related.length - 1);
    expect(related).toContain('en/related/c.json');
    expect(second.removed).toContain('en/related/b.json');
    expect(await listFiles(join(out, 'en/related'))).toEqual(['a.json', 'c.json', 'index.json']);
    const index = JSON.parse(await readFile(join(out, 'en/related/index.json'), 'utf8')) as RelatedIndex;
    expect(Object.keys(index.articles)).toEqual(['a', 'c']);
  });

  it('get a new fingerprint whenever their bytes change: an article they list retitled, re-dated or given a new paragraph', () => {
    const corpus = plantedCorpus(60, 7);
    const related = (files: typeof corpus.files) =>
      new Map(
        [...planSite(memorySource(files), testConfig(), NOW, { threads: 0 }).outputs]
          .filter((output) => output.path.includes('/related/'))
          .map((output) => [output.path, { fingerprint: output.fingerprint, content: [...output.chunks].join('') }]),
      );
    const before = related(corpus.files);
    const edits: ((text: string) => string)[] = [
      (text) => text.replace(/^title: .*$/m, 'title: "A title given later"'),
      (text) => text.replace(/^date: .*$/m, 'date: 2021-03-01'),
      (text) => `${text}\n\nA paragraph added later.\n`,
    ];
    for (const edit of edits) {
      const after = related(corpus.files.map((file, index) => (index === 0 ? { ...file, text: edit(file.text) } : file)));
      const changed = [...after].filter(([path, file]) => before.get(path)?.content !== file.content).map(([path]) => path);
      const refingerprinted = [...after].filter(([path, file]) => before.get(path)?.fingerprint !== file.fingerprint).map(([path]) => path);
      expect(refingerprinted).toEqual(expect.arrayContaining(changed));
    }
    const retitled = related(corpus.files.map((file, index) => (index === 0 ? { ...file, text: edits[0]?.(file.text) ?? '' } : file)));
    expect([...retitled].filter(([path, file]) => before.get(path)?.content !== file.content).length).toBeGreaterThan(1);
  });

  it('are not produced again, nor any byte of them written, when an article\'s list did not change', async () => {
    const out = await mkdtemp(join(tmpdir(), 'nashra-related-'));
    const manifestPath = join(out, '..', `${basename(out)}.manifest.json`);
    const corpus = plantedCorpus(120, 3);
    const plan = () => planSite(memorySource(corpus.files), testConfig(), NOW, { threads: 0 }).outputs;
    const first = await writeOutputs(out, plan(), { manifestPath });
    const relatedFiles = relatedPaths({ outputs: first.written.map((path) => ({ path })) });
    expect(relatedFiles.length).toBeGreaterThan(200);
    const before = await Promise.all(relatedFiles.map((path) => stat(join(out, path))));
    const produced: string[] = [];
    const watched = [...plan()].map((output) => ({ ...output, chunks: { [Symbol.iterator]: () => (produced.push(output.path), output.chunks[Symbol.iterator]()) } }));
    const again = await writeOutputs(out, watched, { manifestPath });
    expect(relatedPaths({ outputs: again.written.map((path) => ({ path })) })).toEqual([]);
    expect(relatedPaths({ outputs: produced.map((path) => ({ path })) })).toEqual([]);
    const after = await Promise.all(relatedFiles.map((path) => stat(join(out, path))));
    expect(after.map((info) => [info.ino, info.mtimeMs])).toEqual(before.map((info) => [info.ino, info.mtimeMs]));
  });
});

describe('nashra serve', () => {
  it('serves the related files as JSON, compressed like every other file', async () => {
    const site = await siteOnDisk({
      'en/a.md': post(`title: Detention report\ndate: 2026-03-01\ntags: [detention]\nsummary: ${'A long summary of detention. '.repeat(20)}`),
      'en/b.md': post(`title: Detention statement\ndate: 2026-03-02\ntags: [detention]\nsummary: ${'Another summary of detention. '.repeat(20)}`),
      'ar/ج.md': post('title: الاحتجاز\ndate: 2026-03-01\ntags: [احتجاز]'),
    });
    expect((await runCli(['build', '--now', '2026-06-01'], site)).code).toBe(0);
    const server = await startServer({ root: join(site, 'feeds'), port: 0, host: '127.0.0.1' });
    try {
      for (const path of ['en/related/a.json', 'en/related/index.json', 'ar/related/ج.json']) {
        const reply = await fetch(new URL(path.split('/').map(encodeURIComponent).join('/'), server.url), { headers: { 'accept-encoding': 'br' } });
        expect(reply.status, path).toBe(200);
        expect(reply.headers.get('content-type')).toBe('application/json; charset=utf-8');
        expect(await reply.text()).toBe(await readFile(join(site, 'feeds', path), 'utf8'));
      }
      const compressed = await rawGet(new URL('en/related/a.json', server.url), 'br');
      expect(compressed.encoding).toBe('br');
      expect(brotliDecompressSync(compressed.body).toString('utf8')).toBe(await readFile(join(site, 'feeds/en/related/a.json'), 'utf8'));
    } finally {
      await server.close();
    }
  });
});

/** A GET whose body is kept as sent (fetch would decode it). */
function rawGet(url: URL, acceptEncoding: string): Promise<{ encoding: string | undefined; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const request = httpGet(url, { headers: { 'accept-encoding': acceptEncoding } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => resolve({ encoding: response.headers['content-encoding'], body: Buffer.concat(chunks) }));
    });
    request.on('error', reject);
  });
}

describe('pinned related articles', () => {
  const posts = {
    'en/a.md': post('title: Detention report\ndate: 2026-03-01\ntags: [detention]\nrelated: [housing-rights, nowhere-to-be-found]'),
    'en/b.md': post('title: Detention statement\ndate: 2026-03-02\ntags: [detention]'),
    'en/c.md': post('title: Housing evictions\ndate: 2025-01-01\ntags: [housing]\ntranslationKey: housing-rights'),
  };

  it('come first, named by translationKey or slug; a pin that names nothing is a warning at its line', () => {
    const result = buildInMemory(sourceFiles(posts), testConfig());
    expect(result.diagnostics.map(formatDiagnostic)).toEqual([
      'posts/en/a.md:5:10 warning related "nowhere-to-be-found" names no post (expected a slug or a translationKey); it is left out [related]',
    ]);
    const feed = JSON.parse(outputOf(result, 'en/feed.json')) as { items: { title: string; _nashra: { related: { title: string }[] } }[] };
    const report = feed.items.find((item) => item.title === 'Detention report');
    expect(report?._nashra.related.map((r) => r.title)).toEqual(['Housing evictions', 'Detention statement']);
  });

  it('name the article the author meant even before it is published: a pin to an embargoed post waits for it, and does not fall to a post of another language with the same slug', () => {
    const withEmbargo = {
      'en/a.md': post('title: Detention report\ndate: 2026-03-01\ntags: [detention]\nrelated: [forthcoming]'),
      'en/b.md': post('title: Detention statement\ndate: 2026-03-02\ntags: [detention]'),
      'en/forthcoming.md': post('title: Forthcoming report\ndate: 2026-03-03\npublishAt: 2026-12-01T00:00:00Z'),
      'ar/forthcoming.md': post('title: تقرير آخر\ndate: 2026-03-03'),
    };
    const relatedOf = (now: Date) => {
      const feed = JSON.parse(outputOf(buildInMemory(sourceFiles(withEmbargo), testConfig(), now), 'en/feed.json')) as { items: { title: string; _nashra: { related: { title: string }[] } }[] };
      return feed.items.find((item) => item.title === 'Detention report')?._nashra.related.map((r) => r.title);
    };
    expect(relatedOf(new Date('2026-11-01T00:00:00Z'))).not.toContain('تقرير آخر');
    expect(relatedOf(new Date('2026-12-02T00:00:00Z'))?.[0]).toBe('Forthcoming report');
  });
});

describe('nashra related', () => {
  it('prints the list with its reasons', async () => {
    const run = await runCli(['related', 'release-al-sahil-journalists', '--lang', 'en', '--now', '2026-11-01'], ROOT);
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe('related to "Joint statement: Release the detained journalists of Al-Sahil" (en, posts/en/release-al-sahil-journalists.md):');
    expect(lines[1]).toMatch(/^ 1\. 0\.\d{4} {2}.+ {2}\[(en|ar)\] {2}https:\/\/wahat\.example\.org\//);
    expect(lines[2]).toMatch(/tags: .*days? apart$/);
  });

  it('fails with exit code 1 for an unknown post', async () => {
    const run = await runCli(['related', 'no-such-post'], ROOT);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('no published post with slug or translationKey "no-such-post"');
  });
});
