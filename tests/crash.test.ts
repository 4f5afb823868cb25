/**
 * A build killed at any moment (SIGKILL, the OOM killer, a power cut of the
 * process) leaves the published output whole: every file is either the old
 * version or the new one, never cut or mixed, no archive link reachable from
 * the current feeds leads nowhere, and the next build publishes exactly what
 * a clean build of the posts in place would.
 *
 * Twenty kills at seeded random moments spread over a whole build mostly land
 * while posts are read and files staged; putting files in place takes a few
 * milliseconds. A second sweep slows every rename down so that its kills land
 * there, where the order of renames decides whether a link dangles.
 */
import { execFile, spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isTemporaryFile } from '../src/write/temporary.js';
import { skipWithout } from './support/consumers.js';
import { danglingLinks, entryFiles } from './support/links.js';
import { seededRandom } from '../src/random.js';
import { CLI, listFiles, ROOT, runCli } from './support/site.js';

/** Enough articles for about twenty archive pages per language at five items a page, few enough for twenty kills in a minute. */
const ARTICLES = 70;
const ADDED = 10;
const KILLS = 20;
/** Kills while files are put in place, on a slow disk. */
const SLOW_KILLS = 5;
const NOW = '2026-06-01T00:00:00Z';
const FEEDS_URL = 'https://bench.example.org/feeds/';
const LANGUAGES = ['en', 'ar'];
const checkXml = !skipWithout('xmllint');

type Version = 'A' | 'B';
/** The files of an output directory, by path relative to it. */
type Tree = Map<string, Buffer>;

/**
 * A generated site with two versions of its posts folder. B has the posts of
 * A plus some newer and older ones (archive pages shift, new pages appear),
 * some bodies corrected, one post of A removed (its category "Campaigns"
 * disappears) and a category only B has ("Urgent Appeals").
 */
class Site {
  private inPlace: Version | undefined;

  constructor(readonly dir: string) {}

  static async generate(): Promise<Site> {
    const site = new Site(await mkdtemp(join(tmpdir(), 'nashra-crash-')));
    await site.generateVersions();
    return site;
  }

  /** Puts a version of the posts folder at `posts/`, where every build reads it (paths stay `posts/...` in the state). */
  async use(version: Version): Promise<void> {
    if (this.inPlace === version) return;
    if (this.inPlace) await rename(join(this.dir, 'posts'), this.versionDir(this.inPlace));
    await rename(this.versionDir(version), join(this.dir, 'posts'));
    this.inPlace = version;
  }

  /** `nashra build` of the posts in place into `out`, recording its state in `state`. */
  buildArgs(out = 'out', state = 'state'): string[] {
    return ['build', '-c', 'nashra.config.yaml', '-p', 'posts', '-o', out, '--state-dir', state, '--now', NOW];
  }

  /** The version whose posts are in place. */
  get version(): Version {
    if (!this.inPlace) throw new Error('no posts in place yet');
    return this.inPlace;
  }

  get out(): string {
    return join(this.dir, 'out');
  }

  private versionDir(version: Version): string {
    return join(this.dir, `posts-${version}`);
  }

  private async generateVersions(): Promise<void> {
    const generate = (articles: number, into: string) =>
      promisify(execFile)(process.execPath, [join(ROOT, 'scripts/generate-corpus.mjs'), '--articles', String(articles), '--out', join(this.dir, into), '--seed', 'crash']);
    // The same seed gives the same first articles: B's extra ones are the only difference.
    await generate(ARTICLES, 'generated-A');
    await generate(ARTICLES + ADDED, 'generated-B');
    const config = await readFile(join(this.dir, 'generated-A/nashra.config.yaml'), 'utf8');
    if (!/^ {2}limit: 50$/m.test(config)) throw new Error('the generated config no longer sets feeds.limit: 50; adapt the crash test');
    // No tombstones or changes kept (tombstoneDays: 0), so the output is a function of the posts alone and each version has one reference.
    await writeFile(join(this.dir, 'nashra.config.yaml'), config.replace(/^ {2}limit: 50$/m, '  limit: 5\n  tombstoneDays: 0'));
    await rename(join(this.dir, 'generated-A/posts'), this.versionDir('A'));
    await rename(join(this.dir, 'generated-B/posts'), this.versionDir('B'));

    const inA = (await readdir(join(this.versionDir('A'), 'en'))).sort();
    const added = (await readdir(join(this.versionDir('B'), 'en'))).filter((name) => !inA.includes(name)).sort();
    const [removed] = inA;
    const [urgent] = added;
    if (!removed || !urgent) throw new Error('the generated corpus has no English posts to edit');
    await this.edit('A', `en/${removed}`, (text) => withCategory(text, 'Campaigns'));
    await rm(join(this.versionDir('B'), 'en', removed));
    await this.edit('B', `en/${urgent}`, (text) => withCategory(text, 'Urgent Appeals'));
    for (const name of inA.filter((_, i) => i % 9 === 4)) {
      await this.edit('B', `en/${name}`, (text) => `${text}\nCorrection: the figures above were revised after a second count.\n`);
    }
  }

  private async edit(version: Version, path: string, change: (text: string) => string): Promise<void> {
    const file = join(this.versionDir(version), path);
    await writeFile(file, change(await readFile(file, 'utf8')));
  }
}

/** The post filed under `category` alone (any of the generator's forms of the `categories:` field). */
function withCategory(text: string, category: string): string {
  const changed = text.replace(/^categories:[^\n]*(?:\n {2}- [^\n]*)*/m, `categories: [${category}]`);
  if (changed === text) throw new Error('no categories field to replace');
  return changed;
}

async function readTree(dir: string): Promise<Tree> {
  const files = await listFiles(dir);
  return new Map(await Promise.all(files.map(async (path) => [path, await readFile(join(dir, path))] as const)));
}

const published = (tree: Tree): string[] => [...tree.keys()].filter((path) => !isTemporaryFile(path));

/** Files missing, extra or with other bytes than in `expected`, temporary files included. */
function differences(actual: Tree, expected: Tree): string[] {
  const paths = [...new Set([...actual.keys(), ...expected.keys()])].sort();
  return paths.flatMap((path) => {
    const [mine, theirs] = [actual.get(path), expected.get(path)];
    if (!theirs) return [`${path}: not in the reference`];
    if (!mine) return [`${path}: missing`];
    return mine.equals(theirs) ? [] : [`${path}: other bytes (${mine.length}, expected ${theirs.length})`];
  });
}

/** What a reader of the output could meet that a publisher never intended: cut, mixed or unknown files, broken XML or JSON, dangling links. */
function problemsAReaderMeets(out: string, tree: Tree, references: Record<Version, Tree>): string[] {
  const problems: string[] = [];
  for (const path of published(tree)) {
    const bytes = tree.get(path) as Buffer;
    if (!(['A', 'B'] as const).some((version) => references[version].get(path)?.equals(bytes))) problems.push(`${path}: neither version A nor version B (${bytes.length} bytes)`);
    if (path.endsWith('.json')) {
      try {
        JSON.parse(bytes.toString('utf8'));
      } catch (error) {
        problems.push(`${path}: not JSON (${String(error)})`);
      }
    }
  }
  const xml = published(tree).filter((path) => path.endsWith('.xml'));
  if (checkXml && xml.length > 0) {
    const lint = spawnSync('xmllint', ['--noout', '--nonet', ...xml], { cwd: out, encoding: 'utf8' });
    if (lint.status !== 0) problems.push(`xmllint: ${lint.stderr || `exited ${lint.status}`}`);
  }
  return [...problems, ...danglingLinks(out, FEEDS_URL, entryFiles(LANGUAGES)).map((link) => `dangling: ${link}`)];
}

interface KilledBuild {
  /** False when the build finished before its moment came. */
  readonly killed: boolean;
  /** The exit code of a build that finished. */
  readonly code: number | null;
  readonly afterMs: number;
}

/**
 * A slow disk, loaded into the build before it starts: every rename waits
 * RENAME_DELAY_MS first. It stretches the moments when files are put in
 * place (a few milliseconds of a build otherwise) so that kills can land
 * there. It says on standard error when the first file is put in place in
 * the output (the folder in NASHRA_TEST_OUT): the kills are timed from then,
 * as the time a build takes to get there varies with the machine's load.
 */
const RENAME_DELAY_MS = 5;
const FIRST_RENAME = 'nashra-test: the first file is put in place';
const SLOW_RENAMES = [
  '--import',
  `data:text/javascript,${encodeURIComponent(
    `import fs from 'node:fs'; import { syncBuiltinESMExports } from 'node:module';
     const renameSync = fs.renameSync;
     const pause = new Int32Array(new SharedArrayBuffer(4));
     let told = false;
     fs.renameSync = (from, to) => {
       if (!told && String(to).startsWith(process.env.NASHRA_TEST_OUT ?? '\0')) { told = true; process.stderr.write(${JSON.stringify(`${FIRST_RENAME}
`)}); }
       Atomics.wait(pause, 0, 0, ${RENAME_DELAY_MS});
       return renameSync(from, to);
     };
     syncBuiltinESMExports();`,
  )}`,
];

/**
 * Starts `nashra build` and sends it SIGKILL after `delayMs`, unless it has
 * finished by then; counted from the start, or with the slow disk from the
 * moment it puts the first file in place (`from: 'first rename'`).
 */
async function buildKilledAfter(site: Site, delayMs: number, nodeOptions: readonly string[] = [], from: 'start' | 'first rename' = 'start'): Promise<KilledBuild> {
  const child = spawn(process.execPath, [...nodeOptions, CLI, ...site.buildArgs()], { cwd: site.dir, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NASHRA_LANG: 'en', NASHRA_TEST_OUT: site.out } });
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const killLater = () => (timer ??= setTimeout(() => child.kill('SIGKILL'), delayMs));
  if (from === 'start') killLater();
  child.stderr.on('data', (chunk: Buffer) => {
    if (from === 'first rename' && chunk.toString().includes(FIRST_RENAME)) killLater();
  });
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('exit', (...exit) => resolve(exit)));
  clearTimeout(timer);
  return { killed: signal === 'SIGKILL', code, afterMs: Math.round(performance.now() - started) };
}

/** Runs a build to its end and returns how long it took, failing on anything but success. */
async function buildToTheEnd(site: Site, out?: string, state?: string): Promise<number> {
  const started = performance.now();
  const run = await runCli(site.buildArgs(out, state), site.dir);
  expect(run.code, run.stderr).toBe(0);
  return performance.now() - started;
}

const other = (version: Version): Version => (version === 'A' ? 'B' : 'A');

/**
 * Moves the site to the other version of its posts with a build killed after
 * `delayMs`, checks what a reader meets then, builds to the end and checks
 * that the output is exactly the reference of the posts in place.
 */
async function killAndRecover(site: Site, references: Record<Version, Tree>, delayMs: number, nodeOptions: readonly string[] = [], clock: 'start' | 'first rename' = 'start'): Promise<KilledBuild & { between: boolean }> {
  const [from, to] = [site.version, other(site.version)];
  await site.use(to);
  const build = await buildKilledAfter(site, delayMs, nodeOptions, clock);
  const moment = `build ${from} -> ${to} ${build.killed ? 'killed' : `finished (${build.code})`} after ${build.afterMs} ms`;
  const afterKill = await readTree(site.out);
  expect(problemsAReaderMeets(site.out, afterKill, references), moment).toEqual([]);
  await buildToTheEnd(site);
  expect(differences(await readTree(site.out), references[to]), `the build after ${moment}`).toEqual([]);
  return { ...build, between: isBetween(afterKill, references[from], references[to]) };
}

/** Whether an output holds files of both versions (or only some of the new ones): a kill that landed while files were put in place. */
function isBetween(tree: Tree, from: Tree, to: Tree): boolean {
  const whole = new Map([...tree].filter(([path]) => !isTemporaryFile(path)));
  return differences(whole, from).length > 0 && differences(whole, to).length > 0;
}

describe('nashra build killed with SIGKILL at random moments', () => {
  let site: Site;
  const references = {} as Record<Version, Tree>;
  /** One uninterrupted build that changes the output, the span the kills are drawn from. */
  let changingBuildMs = 0;

  beforeAll(async () => {
    site = await Site.generate();
    for (const version of ['A', 'B'] as const) {
      await site.use(version);
      await buildToTheEnd(site, `reference-${version}`, `reference-${version}-state`);
      references[version] = await readTree(join(site.dir, `reference-${version}`));
    }
    await site.use('A');
    await buildToTheEnd(site);
    await site.use('B');
    changingBuildMs = await buildToTheEnd(site);
  }, 120_000);

  // Some ten megabytes of posts and outputs, kept when a test fails so they can be looked at.
  let keep = false;
  afterEach(({ task }) => {
    if (task.result?.state === 'fail') keep = true;
  });
  afterAll(async () => {
    if (keep) console.warn(`crash test site kept in ${site.dir}`);
    else await rm(site.dir, { recursive: true, force: true });
  });

  it('makes versions that differ in the ways that matter: pages shift, appear and disappear, categories come and go', () => {
    const [a, b] = [references.A, references.B];
    const changed = [...a.keys()].filter((path) => b.has(path) && !b.get(path)?.equals(a.get(path) as Buffer));
    expect(changed.filter((path) => path.includes('/archive/')).length).toBeGreaterThan(10);
    expect([...b.keys()].filter((path) => path.includes('/archive/') && !a.has(path)).length).toBeGreaterThan(0);
    expect([...a.keys()].some((path) => path.startsWith('en/categories/campaigns/')) && ![...b.keys()].some((path) => path.startsWith('en/categories/campaigns/'))).toBe(true);
    expect([...b.keys()].some((path) => path.startsWith('en/categories/urgent-appeals/')) && ![...a.keys()].some((path) => path.startsWith('en/categories/urgent-appeals/'))).toBe(true);
    expect(a.size).toBeGreaterThan(100);
  });

  it('leaves every file whole and of one version, every link reachable, and the next build restores the exact output', async () => {
    const random = seededRandom(13);
    const builds: KilledBuild[] = [];
    // A build that finishes before its moment is checked all the same, and another moment is drawn.
    for (let attempt = 0; builds.filter((build) => build.killed).length < KILLS && attempt < 2 * KILLS; attempt++) {
      // One moment drawn at random in each twentieth of the build, so the kills cover all of it.
      const delayMs = (changingBuildMs * ((attempt % KILLS) + random())) / KILLS;
      const build = await killAndRecover(site, references, delayMs);
      builds.push(build);
      // It finished before its moment: builds run faster now than when the span was measured, so the span shrinks.
      if (!build.killed) changingBuildMs = Math.min(changingBuildMs, build.afterMs);
    }
    expect(builds.filter((build) => build.killed).length).toBeGreaterThanOrEqual(KILLS);
  }, 240_000);

  it('does the same when the kills land while the files are put in place, on a disk whose renames are slow', async () => {
    const random = seededRandom(29);
    const version = other(site.version);
    await site.use(version);
    const uninterrupted = await buildKilledAfter(site, 600_000, SLOW_RENAMES);
    expect(uninterrupted.code).toBe(0);
    expect(differences(await readTree(site.out), references[version])).toEqual([]);
    // Every file that changes is renamed once, one after another, each rename waiting RENAME_DELAY_MS.
    const renamed = differences(references.A, references.B).length;
    const putInPlaceMs = renamed * RENAME_DELAY_MS;
    const builds: (KilledBuild & { between: boolean })[] = [];
    for (let i = 0; i < SLOW_KILLS; i++) {
      const delayMs = (putInPlaceMs * (i + random())) / SLOW_KILLS;
      builds.push(await killAndRecover(site, references, delayMs, SLOW_RENAMES, 'first rename'));
    }
    // Otherwise this sweep proved nothing about the order of renames.
    expect(builds.filter((build) => build.between).length, JSON.stringify(builds)).toBeGreaterThan(0);
  }, 120_000);
});
