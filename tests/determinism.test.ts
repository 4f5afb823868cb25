/** The same posts give the same bytes, whatever the file order or the clock; an unchanged rebuild writes nothing. */
import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeOutputs } from '../src/write/output.js';
import { buildInMemory, listFiles, projectConfig, samplePosts } from './support/site.js';

function shuffled<T>(items: readonly T[], seed: number): T[] {
  const copy = [...items];
  let state = seed;
  for (let i = copy.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2147483648;
    const j = state % (i + 1);
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

describe('deterministic output', () => {
  it('gives identical bytes for shuffled file order and a different build clock', async () => {
    const config = await projectConfig();
    const files = await samplePosts();
    const first = buildInMemory(files, config, new Date('2026-11-01T00:00:00Z'));
    const second = buildInMemory(shuffled(files, 7), config, new Date('2031-05-17T13:45:12Z'));
    const third = buildInMemory(files.slice().reverse(), config, new Date('2027-01-01T00:00:00Z'));
    expect(second.outputs).toEqual(first.outputs);
    expect(third.outputs).toEqual(first.outputs);
  });

  it('dates each feed by its newest item, not by the clock', async () => {
    const config = await projectConfig();
    const result = buildInMemory(await samplePosts(), config, new Date('2040-01-01T00:00:00Z'));
    const rss = result.outputs.find((output) => output.path === 'en/rss.xml')?.content ?? '';
    const newest = Math.max(...result.posts.filter((post) => post.lang === 'en').map((post) => (post.updated ?? post.date).getTime()));
    expect(rss).toContain(`<lastBuildDate>${new Date(newest).toUTCString()}</lastBuildDate>`);
  });

  it('rewrites no file when nothing changed, and only the changed file when one did', async () => {
    const config = await projectConfig();
    const files = await samplePosts();
    const dir = await mkdtemp(join(tmpdir(), 'nashra-determinism-'));
    const outputs = buildInMemory(files, config).outputs;
    const first = await writeOutputs(dir, outputs);
    expect(first.written).toHaveLength(outputs.length);
    const before = await Promise.all((await listFiles(dir)).map(async (path) => [path, (await stat(join(dir, path))).mtimeMs] as const));

    const again = await writeOutputs(dir, buildInMemory(shuffled(files, 3), config).outputs);
    expect(again.written).toEqual([]);
    expect(again.unchanged).toHaveLength(outputs.length);
    const after = await Promise.all((await listFiles(dir)).map(async (path) => [path, (await stat(join(dir, path))).mtimeMs] as const));
    expect(after).toEqual(before);

    // A correction date added to one English article changes the feeds that carry it, and no other.
    // (A change of wording may also move related-article scores elsewhere: text similarity is archive-wide.)
    const edited = files.map((file) =>
      file.path.endsWith('en/women-defenders-workshop.md') ? { ...file, text: file.text.replace(/^date: (.*)$/m, 'date: $1\nupdated: 2026-11-20T10:00:00Z') } : file,
    );
    const third = await writeOutputs(dir, buildInMemory(edited, config).outputs);
    expect(third.written.sort()).toEqual(['en/atom.xml', 'en/categories/news/atom.xml', 'en/categories/news/feed.json', 'en/categories/news/rss.xml', 'en/feed.json', 'en/rss.xml']);
    expect(await readFile(join(dir, 'en/atom.xml'), 'utf8')).toContain('<updated>2026-11-20T10:00:00Z</updated>');
    expect((await listFiles(dir)).filter((path) => path.endsWith('.tmp'))).toEqual([]);
  });
});
