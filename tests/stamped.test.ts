/**
 * What the daemon's build thread keeps of the state files its last build
 * wrote (the record of what was published, the output manifest): trusted only
 * while the file on disk is the one it was made from, so that a build never
 * plans from a record another process replaced.
 */
import { readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { mkdtemp, rename } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryKey, postsNaming, runBuild } from '../src/build.js';
import { CacheMemory, RACY_MARGIN_NS } from '../src/load/cache.js';
import { StampedMemo } from '../src/state/stamped.js';
import { manifestPath, openPrevious, recordPath } from '../src/state/store.js';
import { readOutputManifest } from '../src/write/output.js';
import { samplePosts, siteOnDisk } from './support/site.js';

async function stateFile(content: string): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), 'nashra-stamped-')), 'published.json');
  writeFileSync(path, content);
  return path;
}

/** A reader that says what it read and how often it was asked. */
function counted(path: string): { read: () => string; reads: () => number } {
  let reads = 0;
  return { read: () => (reads++, readFileSync(path, 'utf8')), reads: () => reads };
}

describe('a state file kept in memory between builds', () => {
  it('is read once while the file stays as it was', async () => {
    const path = await stateFile('first');
    const memo = new StampedMemo<string>();
    const reader = counted(path);
    expect(memo.remembered(path, 'site', reader.read)).toBe('first');
    expect(memo.remembered(path, 'site', reader.read)).toBe('first');
    expect(reader.reads()).toBe(1);
  });

  it('is what this process wrote, without reading it back', async () => {
    const path = await stateFile('written by this process');
    const memo = new StampedMemo<string>();
    memo.keep(path, 'site', 'as written');
    const reader = counted(path);
    expect(memo.remembered(path, 'site', reader.read)).toBe('as written');
    expect(reader.reads()).toBe(0);
  });

  it('is read again once another process replaced the file, even with the same size and modification time', async () => {
    const moment = 1_780_000_000;
    const path = await stateFile('first');
    utimesSync(path, moment, moment);
    const memo = new StampedMemo<string>();
    memo.keep(path, 'site', 'first');
    // Replaced as nashra replaces its files: a new file renamed over the old one.
    writeFileSync(`${path}.new`, 'other');
    utimesSync(`${path}.new`, moment, moment);
    await rename(`${path}.new`, path);
    expect(statSync(path).mtimeMs).toBe(moment * 1000);
    expect(memo.remembered(path, 'site', counted(path).read)).toBe('other');
  });

  it('is read again when the file was rewritten in place', async () => {
    const path = await stateFile('first');
    const memo = new StampedMemo<string>();
    memo.keep(path, 'site', 'first');
    // Of another length: rewritten in place with as many bytes within one tick of the file system's clock, a file keeps
    // its stamp (see StampedMemo); nashra never writes its files so, and holds the lock while it builds.
    writeFileSync(path, 'written again');
    expect(memo.remembered(path, 'site', counted(path).read)).toBe('written again');
  });

  it('is not kept for a file that is not there, nor for another key', async () => {
    const path = await stateFile('first');
    const memo = new StampedMemo<string>();
    memo.keep(path, 'site', 'first');
    const reader = counted(path);
    expect(memo.remembered(path, 'another posts folder', reader.read)).toBe('first');
    expect(reader.reads()).toBe(1);
    rmSync(path);
    expect(memo.remembered(path, 'site', () => 'missing')).toBe('missing');
    expect(memo.remembered(path, 'site', () => 'missing again')).toBe('missing again');
  });
});

describe('what the daemon keeps of the state files its build wrote', () => {
  it('is what reading them back gives: the record of what was published, and the output manifest', async () => {
    const site = await siteOnDisk(Object.fromEntries((await samplePosts()).map((file) => [file.path.replace(/^posts\//, ''), file.text])));
    const paths = { config: join(site, 'nashra.config.yaml'), posts: join(site, 'posts'), out: join(site, 'feeds'), state: join(site, 'state') };
    const memory = new CacheMemory();
    // A first build: nothing to read before, so what is kept is what it wrote.
    expect((await runBuild(paths, new Date('2026-11-01T00:00:00Z'), { memory })).failed).toBe(false);
    const unread = (): never => {
      throw new Error('read back');
    };
    const kept = memory.published.remembered(recordPath(paths.state), memoryKey(paths), unread);
    const read = openPrevious(paths.state, postsNaming(paths.posts));
    expect(kept.contentDigest).toBe(read.contentDigest);
    expect(kept.previous.at).toBe(read.previous.at);
    expect(kept.previous.posts).toEqual(read.previous.posts);
    expect(kept.previous.changes).toEqual(read.previous.changes);
    const manifest = manifestPath(paths.state);
    expect(await memory.outputs.rememberedLater(manifest, memoryKey(paths), unread)).toEqual(await readOutputManifest(manifest));
  });

  it('is the output manifest a build wrote again only to keep the witness of an unchanged build, its files in place', async () => {
    const site = await siteOnDisk(Object.fromEntries((await samplePosts()).map((file) => [file.path.replace(/^posts\//, ''), file.text])));
    const paths = { config: join(site, 'nashra.config.yaml'), posts: join(site, 'posts'), out: join(site, 'feeds'), state: join(site, 'state') };
    const memory = new CacheMemory();
    const now = new Date('2026-11-01T00:00:00Z');
    expect((await runBuild(paths, now, { memory })).failed).toBe(false);
    // Until the post files' stamps are trusted, no build keeps a witness.
    await new Promise((done) => setTimeout(done, Number(RACY_MARGIN_NS / 1_000_000n) + 300));
    const manifest = manifestPath(paths.state);
    const before = statSync(manifest).ino;
    const again = await runBuild(paths, now, { memory });
    expect(again.report?.written).toEqual([]);
    expect(statSync(manifest).ino).not.toBe(before);
    const unread = (): never => {
      throw new Error('read back');
    };
    expect(await memory.outputs.rememberedLater(manifest, memoryKey(paths), unread)).toEqual(await readOutputManifest(manifest));
  });
});
