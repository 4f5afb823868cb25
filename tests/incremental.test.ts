/**
 * A rebuild costs what changed: a feed whose document did not change is
 * neither serialised nor written again, and the writer trusts what it
 * recorded of a file only while the file is exactly as it left it.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memorySource } from '../src/load/source.js';
import { planSite, type PlannedOutput } from '../src/pipeline.js';
import { readOutputManifest, writeOutputs, type MadeFrom } from '../src/write/output.js';
import { post, sourceFiles, testConfig } from './support/site.js';

const NOW = new Date('2026-11-01T00:00:00Z');
const config = testConfig({ feeds: { limit: 3, relatedCount: 0 } });

function posts(edit: Record<number, string> = {}): Record<string, string> {
  return Object.fromEntries(
    Array.from({ length: 8 }, (_, i) => [
      `en/p${i}.md`,
      post(`title: Post ${i}\ndate: 2026-01-0${i + 1}T00:00:00Z\ncategories: [${i % 2 ? 'News' : 'Reports'}]`, `Body of post ${i}.${edit[i] ?? ''}\n`),
    ]),
  );
}

function plan(files: Record<string, string>, now = NOW): PlannedOutput[] {
  return [...planSite(memorySource(sourceFiles(files)), config, now).outputs];
}

const fingerprints = (outputs: readonly PlannedOutput[]) => new Map(outputs.filter((o) => o.fingerprint !== undefined).map((o) => [o.path, o.fingerprint]));

/** An output whose content must not be asked for. */
function untouchable(path: string, fingerprint: string): PlannedOutput {
  return {
    path,
    fingerprint,
    chunks: {
      [Symbol.iterator]: () => {
        throw new Error(`${path} was produced again`);
      },
    },
  };
}

/** An output that counts how often its content was asked for. */
function counted(path: string, fingerprint: string, content: string): PlannedOutput & { produced: number } {
  const output = {
    path,
    fingerprint,
    produced: 0,
    chunks: {
      *[Symbol.iterator]() {
        output.produced++;
        yield content;
      },
    },
  };
  return output;
}

const scratch = () => mkdtemp(join(tmpdir(), 'nashra-incremental-'));

async function written(out: string, manifest: string, outputs: readonly PlannedOutput[]) {
  return writeOutputs(out, outputs, { manifestPath: manifest });
}

describe('feed fingerprints', () => {
  it('are the same for the same posts, whatever the clock', () => {
    const first = fingerprints(plan(posts()));
    expect(first.size).toBeGreaterThan(10);
    expect(fingerprints(plan(posts(), new Date('2027-05-05T00:00:00Z')))).toEqual(first);
  });

  it('change only for the feeds an edited post is in', () => {
    const before = fingerprints(plan(posts()));
    const after = fingerprints(plan(posts({ 0: ' A correction.' })));
    const changed = [...before].filter(([path, fingerprint]) => after.get(path) !== fingerprint).map(([path]) => path);
    // Post 0 is the oldest: it sits in the oldest archive page of the main feed and of its category (Reports), and in no current feed.
    expect(changed.sort()).toEqual([
      'en/archive/1/atom.xml',
      'en/archive/1/feed.json',
      'en/archive/1/rss.xml',
      'en/archive/categories/reports/1/atom.xml',
      'en/archive/categories/reports/1/feed.json',
      'en/archive/categories/reports/1/rss.xml',
    ]);
  });

  it('leave the feed unserialised until the writer asks for it', () => {
    const outputs = planSite(memorySource(sourceFiles(posts())), config, NOW).outputs;
    let feeds = 0;
    for (const output of outputs) if (output.fingerprint !== undefined) feeds++;
    expect(feeds).toBeGreaterThan(10);
  });
});

describe('the writer, given fingerprints', () => {
  it('keeps a file made from the same fingerprint without producing it again', async () => {
    const [out, state] = [await scratch(), await scratch()];
    const manifest = join(state, 'manifest.json');
    await written(out, manifest, [{ path: 'en/rss.xml', fingerprint: 'f1', chunks: ['<rss/>'] }]);
    const report = await written(out, manifest, [untouchable('en/rss.xml', 'f1')]);
    expect(report).toMatchObject({ written: [], unchanged: ['en/rss.xml'], removed: [] });
    expect(await readFile(join(out, 'en/rss.xml'), 'utf8')).toBe('<rss/>');
  });

  it('produces the file again when its fingerprint changed, and keeps the file in place when the bytes are the same', async () => {
    const [out, state] = [await scratch(), await scratch()];
    const manifest = join(state, 'manifest.json');
    await written(out, manifest, [{ path: 'a.xml', fingerprint: 'f1', chunks: ['same'] }]);
    const before = await stat(join(out, 'a.xml'));
    const report = await written(out, manifest, [{ path: 'a.xml', fingerprint: 'f2', chunks: ['same'] }]);
    expect(report.unchanged).toEqual(['a.xml']);
    expect((await stat(join(out, 'a.xml'))).ino).toBe(before.ino);
    // The new fingerprint is recorded: the next build need not produce it.
    expect((await written(out, manifest, [untouchable('a.xml', 'f2')])).unchanged).toEqual(['a.xml']);
  });

  it('writes the file again when someone changed or removed it since, whatever the fingerprint says', async () => {
    const [out, state] = [await scratch(), await scratch()];
    const manifest = join(state, 'manifest.json');
    await written(out, manifest, [{ path: 'a.xml', fingerprint: 'f1', chunks: ['<feed>ours</feed>'] }]);
    await writeFile(join(out, 'a.xml'), '<feed>edited by hand</feed>');
    expect((await written(out, manifest, [{ path: 'a.xml', fingerprint: 'f1', chunks: ['<feed>ours</feed>'] }])).written).toEqual(['a.xml']);
    expect(await readFile(join(out, 'a.xml'), 'utf8')).toBe('<feed>ours</feed>');
  });

  it('does not trust a record of a file modified no earlier than the manifest was written (a change the clock cannot tell apart)', async () => {
    const [out, state] = [await scratch(), await scratch()];
    const manifest = join(state, 'manifest.json');
    await written(out, manifest, [{ path: 'a.xml', fingerprint: 'f1', chunks: ['<feed/>'] }]);
    // The manifest's time just before the file's, as a clock of coarse granularity can make it.
    const earlier = ((await stat(join(out, 'a.xml'))).mtimeMs - 1) / 1000;
    await utimes(manifest, earlier, earlier);
    const output = counted('a.xml', 'f1', '<feed/>');
    expect((await written(out, manifest, [output])).unchanged).toEqual(['a.xml']);
    expect(output.produced).toBe(1);
    // Recorded again, now safely older than the manifest: trusted.
    expect((await written(out, manifest, [untouchable('a.xml', 'f1')])).unchanged).toEqual(['a.xml']);
  });

  it('trusts nothing from a damaged manifest, and writes correctly all the same', async () => {
    for (const damage of ['{"files": ["a.xml"], "records": {"a.xml": {"digest": 1}}}', '{"files": "a.xml"', '\u0000\u0001garbage']) {
      const [out, state] = [await scratch(), await scratch()];
      const manifest = join(state, 'manifest.json');
      await written(out, manifest, [{ path: 'a.xml', fingerprint: 'f1', chunks: ['<feed/>'] }]);
      await writeFile(manifest, damage);
      await utimes(manifest, new Date('2099-01-01'), new Date('2099-01-01'));
      const output = counted('a.xml', 'f1', '<feed/>');
      expect((await written(out, manifest, [output])).unchanged, damage).toEqual(['a.xml']);
      expect(output.produced, damage).toBe(1);
    }
  });
});

describe('the manifest', () => {
  const WITNESS = { inputs: 'i', from: '2026-11-01T00:00:00.000Z', until: '2026-11-02T00:00:00.000Z', images: [], diagnostics: [], livePerLanguage: { ar: 1 }, skippedFiles: [], held: { scheduled: 0, expiring: 0, draft: 0, expired: 0 } };
  const MADE_FROM: MadeFrom = { digest: 'd', diagnostics: [], unchanged: WITNESS };
  const ARABIC = 'ar/بيان-المركز/rss.xml';

  async function writtenWithWitness(): Promise<{ out: string; manifest: string }> {
    const [out, state] = [await scratch(), await scratch()];
    const manifest = join(state, 'manifest.json');
    await writeOutputs(out, [{ path: ARABIC, fingerprint: 'f1', chunks: ['<rss/>'] }], { manifestPath: manifest, madeFrom: () => MADE_FROM });
    return { out, manifest };
  }

  it('is one line under a seal, and reads back as it was written', async () => {
    const { manifest } = await writtenWithWitness();
    const text = await readFile(manifest, 'utf8');
    expect(text).toMatch(/^\{"seal":"[\w-]{43}","manifest":\{[^\n]+\}\n$/);
    const read = await readOutputManifest(manifest);
    expect(read.files).toEqual([ARABIC]);
    expect(read.records[ARABIC]).toMatchObject({ fingerprint: 'f1', size: 6 });
    expect(read.madeFrom).toEqual(MADE_FROM);
  });

  it('is taken as written under its own seal, and otherwise checked against its schema and without its witness of an unchanged build', async () => {
    const { manifest } = await writtenWithWitness();
    const text = await readFile(manifest, 'utf8');
    // A size the schema refuses, in a manifest sealed again as a build would seal it: taken as it is.
    const body = text.slice(text.indexOf('"manifest":') + '"manifest":'.length, -2).replace('"size":6', '"size":"6"');
    const seal = createHash('sha256').update(body).digest('base64url');
    await writeFile(manifest, `{"seal":"${seal}","manifest":${body}}\n`);
    expect((await readOutputManifest(manifest)).records[ARABIC]?.size).toBe('6');
    // The same without the seal to match: that record is not trusted, and neither is the witness, though well formed.
    await writeFile(manifest, text.replace('"size":6', '"size":"6"'));
    const damaged = await readOutputManifest(manifest);
    expect(damaged.files).toEqual([ARABIC]);
    expect(damaged.records[ARABIC]).toBeUndefined();
    expect(damaged.madeFrom).toEqual({ digest: 'd', diagnostics: [] });
    await writeFile(manifest, text.replace(WITNESS.until, '2099-11-02T00:00:00.000Z'));
    expect((await readOutputManifest(manifest)).madeFrom).toEqual({ digest: 'd', diagnostics: [] });
  });
});
