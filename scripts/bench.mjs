#!/usr/bin/env node
// Build-time, rebuild-time, daemon-latency and memory benchmark for nashra, side by side with Hugo.
//
//   npm run bench                                   (compiles, then runs this script)
//   node scripts/bench.mjs [--sizes 2000,20000] [--runs 3] [--seed 1] [--rss time|wrapper] [--dist DIR]
//                          [--hugo | --no-hugo] [--no-daemon]
//
// --dist benchmarks another compiled copy (DIR/cli.js) instead of dist/, for
// example a snapshot compiled with `npx tsc -p tsconfig.json --outDir DIR`
// (DIR's parent then needs a package.json with "type": "module" and a
// node_modules that resolves the dependencies).
//
// For each size it generates (or reuses) a corpus under bench-corpus/ with
// scripts/generate-corpus.mjs and copies it into a temporary workspace (whose
// config gets a yearly cron, so that no five-minute tick lands in a
// measurement). There it runs the compiled CLI (dist/cli.js) as a child process:
//   full     `--runs` cold builds, each into a fresh output and state dir
//            (with --no-cache when `build --help` offers it), the median kept;
//   first    a first build with the cache, into a fresh output and state dir, as on a
//            new site: it fills the load cache and keeps every full text it rendered;
//   no-op    the same build again, output and state dir kept, nothing changed, twice
//            (the first plans again after a build that published something new);
//   edit     the newest English post's body edited, rebuilt;
//   add      a new post added, rebuilt;
//   delete   that post deleted again, rebuilt; the output left then is compared,
//            byte for byte, with a cold build of the same posts into fresh dirs;
//   hugo     `--runs` cold Hugo builds of the same posts (scripts/bench-hugo.mjs),
//            when hugo is installed (--hugo insists on it, --no-hugo skips it);
//   daemon   `nashra schedule` on the workspace (scripts/bench-daemon.mjs):
//            embargo latency, saved-post latency, SIGTERM during a build;
//   serve    `nashra schedule --serve` under 32 polling clients while it rebuilds
//            (scripts/bench-serve.mjs): requests per second, p50 and p99.
// Wall time is measured here; peak RSS and CPU time (user + system, which other
// processes on a shared machine inflate less than wall time) come from GNU time
// (/usr/bin/time) when it is installed, else from a small wrapper that imports
// the CLI and reports process.resourceUsage() on exit (scripts/bench-process.mjs;
// Hugo's then read n/a). Node built-ins only.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, availableParallelism, loadavg, release, tmpdir, totalmem, platform, arch } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureDaemon } from './bench-daemon.mjs';
import { hugoVersion, runHugo } from './bench-hugo.mjs';
import { measureServing } from './bench-serve.mjs';
import { asInstalled, gnuTimeWorks, killCurrent, measuredRun, median } from './bench-process.mjs';
import { scriptArgs } from './script-args.mjs';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const GENERATOR = join(ROOT, 'scripts', 'generate-corpus.mjs');
const CORPORA = join(ROOT, 'bench-corpus');
const NOW = '2030-01-01';

const USAGE = 'usage: node scripts/bench.mjs [--sizes 2000,20000] [--runs 3] [--seed 1] [--rss time|wrapper] [--dist DIR] [--hugo | --no-hugo] [--no-daemon]';
const args = scriptArgs(USAGE, {
  sizes: { type: 'string', default: '2000,20000' },
  runs: { type: 'string', default: '3' },
  seed: { type: 'string', default: '1' },
  rss: { type: 'string' },
  dist: { type: 'string', default: join(ROOT, 'dist') },
  hugo: { type: 'boolean' },
  'no-hugo': { type: 'boolean', default: false },
  'no-daemon': { type: 'boolean', default: false },
});
const sizes = args.sizes.split(',').map((s) => Number(s.trim().replace(/_/g, '')));
const runs = Number(args.runs);
if (sizes.some((n) => !Number.isInteger(n) || n < 1) || !Number.isInteger(runs) || runs < 1 || (args.hugo && args['no-hugo'])) {
  console.error(USAGE);
  process.exit(2);
}
const CLI = join(resolve(args.dist), 'cli.js');
if (!existsSync(CLI)) {
  console.error(`${CLI} is missing: compile first with \`npx tsc -p tsconfig.json\` (or use \`npm run bench\`)`);
  process.exit(2);
}

const log = (message) => process.stderr.write(`${message}\n`);

// ---------------------------------------------------------------- machine

function machine() {
  let model = cpus()[0]?.model ?? 'unknown CPU';
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => /^model name\s*:/.test(l));
    if (line) model = line.replace(/^model name\s*:\s*/, '').trim();
  } catch {
    // not Linux: keep os.cpus()
  }
  const cores = availableParallelism();
  const memory = (totalmem() / 1024 ** 3).toFixed(1);
  return `${model}, ${cores} cores, ${memory} GiB RAM, Node ${process.version}, ${platform()} ${release()} ${arch()}`;
}

// ---------------------------------------------------------------- corpus

function generatorHash() {
  // The generator and its randomness: a change to either makes the corpus another one.
  return createHash('sha256').update(readFileSync(GENERATOR)).update(readFileSync(join(ROOT, 'scripts', 'random.mjs'))).digest('hex').slice(0, 16);
}

function countPosts(postsDir) {
  let count = 0;
  for (const lang of readdirSync(postsDir)) {
    count += readdirSync(join(postsDir, lang)).filter((name) => name.endsWith('.md')).length;
  }
  return count;
}

/** The corpus for one size and seed, regenerated only when missing or when the generator changed. */
function corpus(size) {
  const dir = join(CORPORA, `n${size}-seed${args.seed}`);
  const marker = join(dir, '.generated');
  const hash = generatorHash();
  if (existsSync(marker) && readFileSync(marker, 'utf8').trim() === hash) {
    log(`corpus ${dir}: reused`);
  } else {
    log(`corpus ${dir}: generating ${size} articles`);
    const result = spawnSync(process.execPath, [GENERATOR, '--articles', String(size), '--out', dir, '--seed', args.seed, '--force'], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    if (result.status !== 0) {
      console.error(`generate-corpus.mjs failed with exit code ${result.status}`);
      process.exit(1);
    }
    writeFileSync(marker, `${hash}\n`);
  }
  return { dir, config: join(dir, 'nashra.config.yaml'), posts: join(dir, 'posts'), files: countPosts(join(dir, 'posts')) };
}


// ---------------------------------------------------------------- workspace

const rssMethod = args.rss ?? (gnuTimeWorks() ? 'time' : 'wrapper');
if (rssMethod !== 'time' && rssMethod !== 'wrapper') {
  console.error(USAGE);
  process.exit(2);
}

/** The workspaces in use, so that Ctrl-C or a kill removes them. */
const workspaces = new Set();
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    killCurrent();
    for (const dir of workspaces) rmSync(dir, { recursive: true, force: true });
    process.exit(130);
  });
}

/** A private copy of the corpus to edit, with output and state dirs beside it (not inside: the daemon watches the site). */
function workspace(target) {
  const root = mkdtempSync(join(tmpdir(), 'nashra-bench-'));
  workspaces.add(root);
  const siteRoot = join(root, 'site');
  cpSync(target.posts, join(siteRoot, 'posts'), { recursive: true });
  cpSync(target.config, join(siteRoot, 'nashra.config.yaml'));
  // Once a year at midnight on 1 January: no cron tick lands in a daemon measurement.
  appendFileSync(join(siteRoot, 'nashra.config.yaml'), 'schedule:\n  cron: "0 0 1 1 *"\n');
  return {
    root,
    site: { root: siteRoot, config: join(siteRoot, 'nashra.config.yaml'), posts: join(siteRoot, 'posts') },
    out: join(root, 'out'),
    state: join(root, 'state'),
  };
}

function removeWorkspace(work) {
  rmSync(work.root, { recursive: true, force: true });
  workspaces.delete(work.root);
}

/** The English post with the latest `date:` line: it is in the feeds, so editing it changes them. */
function newestEnglishPost(postsDir) {
  let newest;
  for (const name of readdirSync(join(postsDir, 'en')).sort()) {
    const file = join(postsDir, 'en', name);
    const match = /^date: ["']?([^"'\n]+)/m.exec(readFileSync(file, 'utf8'));
    const time = match ? Date.parse(match[1]) : NaN;
    if (Number.isFinite(time) && (!newest || time > newest.time)) newest = { file, time };
  }
  return newest.file;
}

const ADDED_POST = `---
title: "A statement added by the benchmark"
date: 2026-01-02T10:00:00+03:00
categories: Statements
tags: [detention, fair trial]
---

The benchmark adds this statement to measure a rebuild after one new post.
`;

// ---------------------------------------------------------------- nashra

const cacheFlag = (() => {
  const help = spawnSync(process.execPath, [CLI, 'build', '--help'], { encoding: 'utf8' });
  return /--no-cache\b/.test(help.stdout) ? '--no-cache' : undefined;
})();

/** Whether this build of nashra reports the time of each stage (`build --timings`). */
const timingsFlag = (() => {
  const help = spawnSync(process.execPath, [CLI, 'build', '--help'], { encoding: 'utf8' });
  return /--timings\b/.test(help.stdout);
})();

const STAGES = [
  ['load', 'loading and planning'],
  ['relate', 'related articles'],
  ['render', 'full texts'],
  ['write', 'composing and writing'],
];

/** The seconds of each stage from the `time by stage:` line of `build --timings` (English); a stage not reported took none. */
function stagesOf(stderr) {
  const line = stderr.split('\n').find((l) => l.startsWith('time by stage: '));
  if (!line) return undefined;
  return Object.fromEntries(STAGES.map(([key, label]) => [key, Number(new RegExp(`${label} (\\d+\\.\\d+) s`).exec(line)?.[1] ?? 0)]));
}

/** One `nashra build` of the workspace; `cold` empties the output and state dirs first. */
async function nashraBuild(work, { cold, keepState = false, withCache = false }) {
  if (cold) {
    rmSync(work.out, { recursive: true, force: true });
    if (!keepState) rmSync(work.state, { recursive: true, force: true });
  }
  const cliArgs = ['build', '--config', work.site.config, '--posts', work.site.posts, '--out', work.out, '--state-dir', work.state, '--now', NOW];
  if (cold && !withCache && cacheFlag) cliArgs.push(cacheFlag);
  if (timingsFlag) cliArgs.push('--timings');
  // As `nashra` runs once installed, when GNU time measures it; the wrapper imports the CLI into a plain Node.
  const installed = asInstalled(CLI, cliArgs);
  const run = rssMethod === 'time' ? { command: installed.command, args: installed.args, env: { ...installed.env, NASHRA_LANG: 'en' } } : { command: CLI, args: cliArgs, nodeScript: true, env: { NASHRA_LANG: 'en' } };
  const result = await measuredRun({ ...run, rssMethod, cwd: ROOT });
  if (result.code !== 0 && result.code !== 1) {
    console.error(`the build failed with exit code ${result.code}:\n${result.stderr.slice(0, 4000)}`);
    process.exit(1);
  }
  const lines = result.stderr.split('\n');
  const errors = lines.filter((l) => /^\S.*:\d+:\d+ error /.test(l)).length;
  const warnings = lines.filter((l) => /^\S.*:\d+:\d+ warning /.test(l)).length;
  if (errors + warnings > 0) log(`    ${errors} error and ${warnings} warning diagnostics, such as:\n${lines.slice(0, 5).join('\n')}`);
  return { ...result, diagnostics: errors + warnings, stages: stagesOf(result.stderr) };
}

/** Every file under `dir` with the SHA-256 of its bytes. */
function treeHashes(dir) {
  const hashes = new Map();
  for (const name of readdirSync(dir, { recursive: true }).sort()) {
    const file = join(dir, name);
    if (statSync(file).isFile()) hashes.set(name, createHash('sha256').update(readFileSync(file)).digest('hex'));
  }
  return hashes;
}

/**
 * Whether the output the rebuilds left equals, byte for byte, a cold build of the same posts into
 * a fresh output: a fast rebuild only counts when it publishes what a cold build would. The cold
 * build starts from a copy of what was published (ids kept, the changes list), not from nothing.
 */
async function sameAsColdBuild(work) {
  const fresh = { ...work, out: join(work.root, 'verify-out'), state: join(work.root, 'verify-state') };
  rmSync(fresh.state, { recursive: true, force: true });
  mkdirSync(fresh.state, { recursive: true });
  for (const name of ['published.json', 'sources']) if (existsSync(join(work.state, name))) cpSync(join(work.state, name), join(fresh.state, name), { recursive: true });
  await nashraBuild(fresh, { cold: true, keepState: true });
  const kept = treeHashes(work.out);
  const cold = treeHashes(fresh.out);
  rmSync(fresh.out, { recursive: true, force: true });
  rmSync(fresh.state, { recursive: true, force: true });
  const differing = [...new Set([...kept.keys(), ...cold.keys()])].filter((name) => kept.get(name) !== cold.get(name));
  return differing.length === 0 ? 'equals a cold build' : `DIFFERS from a cold build in ${differing.length} files, such as ${differing.slice(0, 3).join(', ')}`;
}

const mb = (kib) => (Number.isFinite(kib) ? (kib / 1024).toFixed(0) : 'n/a');

async function measureSize(size) {
  const target = corpus(size);
  const work = workspace(target);
  const row = { articles: size, files: target.files };
  const report = (label, result) => log(`  ${size} articles, ${label}: ${result.seconds.toFixed(2)} s (CPU ${result.cpuSeconds.toFixed(2)} s), ${mb(result.rssKiB)} MB, exit ${result.code}; CLI: ${result.stdout}`);
  try {
    const full = [];
    for (let run = 1; run <= runs; run++) {
      const result = await nashraBuild(work, { cold: true });
      report(`full build ${run}/${runs}`, result);
      full.push(result);
    }
    // The cold builds ran without the cache. A site is first built with it, into an empty output and state dir: that
    // build loads every post, renders every full text and keeps them, as `nashra build` does on a new site. (Until
    // session 23 this build kept the cold build's output, so it rendered nothing, and the edit below rendered the fifty
    // or more full texts of every feed the post is in, which no site built the usual way lacks: 0.4-0.6 s at 5,000.)
    const filling = cacheFlag ? await nashraBuild(work, { cold: true, withCache: true }) : undefined;
    if (filling) report('first build with the cache (fills it)', filling);
    // The first build after one that published something new plans again, to find its result the same; the next
    // finds its inputs unchanged (state/unchanged.ts) and loads nothing.
    const noop = await nashraBuild(work, { cold: false });
    report('no-op rebuild', noop);
    const noopAgain = await nashraBuild(work, { cold: false });
    report('no-op rebuild again', noopAgain);
    appendFileSync(newestEnglishPost(work.site.posts), '\nA sentence the benchmark adds to edit this post.\n');
    const edit = await nashraBuild(work, { cold: false });
    report('one edited post', edit);
    const added = join(work.site.posts, 'en', 'bench-added-post.md');
    writeFileSync(added, ADDED_POST);
    const add = await nashraBuild(work, { cold: false });
    report('one added post', add);
    rmSync(added);
    const del = await nashraBuild(work, { cold: false });
    report('one deleted post', del);
    row.sameAsCold = await sameAsColdBuild(work);
    log(`  ${size} articles, output after the rebuilds ${row.sameAsCold}`);
    Object.assign(row, {
      full: median(full.map((r) => r.seconds)),
      fullCpu: median(full.map((r) => r.cpuSeconds)),
      fullRuns: full.map((r) => r.seconds),
      fullStages: full.find((r) => r.seconds === median(full.map((x) => x.seconds)))?.stages ?? full[0].stages,
      filling,
      noop,
      noopAgain,
      edit,
      add,
      del,
      rssKiB: Math.max(...[...full, ...(filling ? [filling] : []), noop, noopAgain, edit, add, del].map((r) => r.rssKiB)),
      diagnostics: full[0].diagnostics,
    });

    if (hugo) {
      const hugoRuns = [];
      for (let run = 1; run <= runs; run++) {
        const result = await runHugo({ dir: join(work.root, 'hugo'), postsDir: work.site.posts, rssMethod });
        log(`  ${size} articles, hugo ${run}/${runs}: ${result.seconds.toFixed(2)} s (CPU ${result.cpuSeconds.toFixed(2)} s), ${mb(result.rssKiB)} MB, exit ${result.code}, items en ${result.items.en} ar ${result.items.ar}`);
        if (result.code !== 0) {
          console.error(`hugo failed with exit code ${result.code}:\n${result.stderr.slice(0, 4000)}`);
          process.exit(1);
        }
        hugoRuns.push(result);
      }
      row.hugo = median(hugoRuns.map((r) => r.seconds));
      row.hugoCpu = median(hugoRuns.map((r) => r.cpuSeconds));
      row.hugoRssKiB = Math.max(...hugoRuns.map((r) => r.rssKiB));
    }

    if (!args['no-daemon']) {
      // The daemon starts where the rebuilds left off: the same output and state dir.
      row.daemon = await measureDaemon({ cli: CLI, site: work.site, out: work.out, state: work.state, debounceMs: 300, buildMs: Math.round(row.full * 1000), log });
      row.serve = await measureServing({ cli: CLI, site: work.site, out: work.out, state: work.state, editFile: newestEnglishPost(work.site.posts), log });
    }
  } finally {
    removeWorkspace(work);
  }
  return row;
}

// ---------------------------------------------------------------- main

function hugoWanted() {
  if (args['no-hugo']) return undefined;
  const version = hugoVersion();
  if (!version && args.hugo) {
    console.error('--hugo: hugo is not installed (apt-get install hugo)');
    process.exit(2);
  }
  return version;
}

const machineLine = machine();
const hugo = hugoWanted();
const load = () => loadavg().map((n) => n.toFixed(2)).join(' ');
const loadAtStart = load();
log(`machine: ${machineLine}`);
log(`peak RSS via ${rssMethod === 'time' ? '/usr/bin/time -f %M' : 'process.resourceUsage().maxRSS wrapper'}`);
log(`hugo: ${hugo ?? (args['no-hugo'] ? 'skipped (--no-hugo)' : 'hugo not installed, skipped')}`);
log(`cold builds: ${cacheFlag ? `with ${cacheFlag}` : '`build --help` lists no --no-cache; a fresh output and state dir make them cold'}`);

const rows = [];
for (const size of sizes) rows.push(await measureSize(size));

const s = (seconds) => `${seconds.toFixed(2)} s`;
const percent = (part, whole) => (Number.isFinite(part / whole) ? `${((100 * part) / whole).toFixed(0)}%` : 'n/a');
/** A rebuild's wall time, and its wall and CPU time as shares of the full build's. */
const ofFull = (result, row) => `${s(result.seconds)} (${percent(result.seconds, row.full)}; CPU ${percent(result.cpuSeconds, row.fullCpu)})`;
const cpu = (seconds) => (Number.isFinite(seconds) ? s(seconds) : 'n/a');
const ratio = (a, b) => (Number.isFinite(a / b) ? `${(a / b).toFixed(1)}x` : 'n/a');
const ms = (value) => `${(value / 1000).toFixed(2)} s`;

function table(header, cells) {
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  console.log(`| ${header.map((h, i) => h.padEnd(widths[i])).join(' | ')} |`);
  console.log(`|${widths.map((w) => `${'-'.repeat(w + 1)}:`).join('|')}|`);
  for (const c of cells) console.log(`| ${c.map((v, i) => v.padStart(widths[i])).join(' | ')} |`);
}

console.log(`\nmachine: ${machineLine}; load average ${loadAtStart} at the start, ${load()} at the end (other processes share the cores)`);
console.log(`cli: ${CLI}`);
console.log(`hugo: ${hugo ?? (args['no-hugo'] ? 'skipped (--no-hugo)' : 'hugo not installed, skipped')}`);
console.log(
  `nashra: build --config <copy>/nashra.config.yaml --posts <copy>/posts --out <tmp> --state-dir <tmp> --now ${NOW}; ` +
    `full = median of ${runs} cold build(s) ${cacheFlag ? `with ${cacheFlag}` : 'in fresh output and state dirs (no --no-cache in this build)'}; ` +
    `then a first build with the cache into fresh dirs (as on a new site); no-op, edit, add, delete keep its output and state dir; seed ${args.seed}`,
);
console.log('');
table(
  ['articles', 'post files', 'Hugo', 'nashra full', 'ratio', 'Hugo CPU', 'nashra full CPU', 'CPU ratio', 'first build with the cache', 'no-op rebuild', 'no-op again', 'one edited post', 'one added post', 'one deleted post', 'peak RSS', 'Hugo RSS', 'full runs', 'diagnostics', 'output after rebuilds'],
  rows.map((r) => [
    r.articles.toLocaleString('en-US'),
    r.files.toLocaleString('en-US'),
    r.hugo === undefined ? 'n/a' : s(r.hugo),
    s(r.full),
    ratio(r.full, r.hugo),
    cpu(r.hugoCpu),
    cpu(r.fullCpu),
    ratio(r.fullCpu, r.hugoCpu),
    r.filling ? ofFull(r.filling, r) : 'n/a',
    ofFull(r.noop, r),
    ofFull(r.noopAgain, r),
    ofFull(r.edit, r),
    ofFull(r.add, r),
    ofFull(r.del, r),
    `${mb(r.rssKiB)} MB`,
    r.hugoRssKiB === undefined ? 'n/a' : `${mb(r.hugoRssKiB)} MB`,
    r.fullRuns.map((x) => x.toFixed(2)).join(', '),
    String(r.diagnostics),
    r.sameAsCold,
  ]),
);
const stageRows = rows.flatMap((r) =>
  [['cold', r.fullStages], ['first build with the cache', r.filling?.stages], ['no-op', r.noop.stages], ['no-op again', r.noopAgain.stages], ['one edited post', r.edit.stages], ['one added post', r.add.stages], ['one deleted post', r.del.stages]]
    .filter(([, stages]) => stages)
    .map(([build, stages]) => [r.articles.toLocaleString('en-US'), build, ...STAGES.map(([key]) => s(stages[key]))]),
);
if (stageRows.length > 0) {
  console.log('\nwhere the time of a build goes (`build --timings`: wall seconds of each stage; the time to start Node and to print is outside them):');
  table(['articles', 'build', ...STAGES.map(([, label]) => label)], stageRows);
}
const daemonRows = rows.filter((r) => r.daemon);
if (daemonRows.length > 0) {
  console.log('\nnashra schedule (the same workspace, output and state dir; debounce 300 ms):');
  table(
    ['articles', 'first build', 'saved post in feed', 'next saved post', 'embargo: publishAt to feed', 'its build', 'SIGTERM to exit', 'build at SIGTERM', 'daemon peak RSS'],
    daemonRows.map(({ articles, daemon: d }) => [
      articles.toLocaleString('en-US'),
      ms(d.startBuildMs),
      ms(d.savedMs),
      ms(d.nextSavedMs),
      `${ms(d.embargoMs)}${d.embargoOverlapped ? ' (overlapped)' : ''}`,
      `${ms(d.embargoBuildMs)}, now = publishAt + ${d.embargoBuildLagMs} ms`,
      ms(d.sigtermMs),
      d.buildAtSignal,
      `${mb(d.peakRssKiB)} MB`,
    ]),
  );
}
const serveRows = rows.filter((r) => r.serve);
if (serveRows.length > 0) {
  console.log('\nnashra schedule --serve (every output file in turn, Accept-Encoding: gzip, br; an edited post rebuilt meanwhile):');
  table(
    ['articles', 'files', 'clients', 'requests/s', 'p50', 'p99', 'max', 'failed', 'rebuild', 'answered during it'],
    serveRows.map(({ articles, serve: v }) => [
      articles.toLocaleString('en-US'),
      String(v.files),
      String(v.clients),
      v.perSecond.toFixed(0),
      `${v.p50Ms.toFixed(1)} ms`,
      `${v.p99Ms.toFixed(1)} ms`,
      `${v.maxMs.toFixed(0)} ms`,
      String(v.failed),
      ms(v.rebuildMs),
      String(v.answeredDuringRebuild),
    ]),
  );
}
