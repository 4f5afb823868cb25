#!/usr/bin/env node
// Build-time and memory benchmark for nashra.
//
//   npm run bench                                   (compiles, then runs this script)
//   node scripts/bench.mjs [--sizes 2000,20000] [--runs 3] [--seed 1] [--rss time|wrapper] [--dist DIR]
//
// --dist benchmarks another compiled copy (DIR/cli.js) instead of dist/, for
// example a snapshot compiled with `npx tsc -p tsconfig.json --outDir DIR`
// (DIR's parent then needs a package.json with "type": "module" and a
// node_modules that resolves the dependencies).
//
// For each size it generates (or reuses) a corpus under bench-corpus/ with
// scripts/generate-corpus.mjs, then runs the compiled CLI (dist/cli.js) as a
// child process `--runs` times: the first run is the cold one, the others warm.
// Wall time is measured here; peak RSS comes from GNU time (/usr/bin/time -f %M)
// when it is installed, else from a small wrapper that imports the CLI and
// reports process.resourceUsage().maxRSS on exit. Node built-ins only.

import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, availableParallelism, release, tmpdir, totalmem, platform, arch } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { scriptArgs } from './script-args.mjs';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const GENERATOR = join(ROOT, 'scripts', 'generate-corpus.mjs');
const CORPORA = join(ROOT, 'bench-corpus');
const NOW = '2030-01-01';

const USAGE = 'usage: node scripts/bench.mjs [--sizes 2000,20000] [--runs 3] [--seed 1] [--rss time|wrapper] [--dist DIR]';
const args = scriptArgs(USAGE, {
  sizes: { type: 'string', default: '2000,20000' },
  runs: { type: 'string', default: '3' },
  seed: { type: 'string', default: '1' },
  rss: { type: 'string' },
  dist: { type: 'string', default: join(ROOT, 'dist') },
});
const sizes = args.sizes.split(',').map((s) => Number(s.trim().replace(/_/g, '')));
const runs = Number(args.runs);
if (sizes.some((n) => !Number.isInteger(n) || n < 1) || !Number.isInteger(runs) || runs < 1) {
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

// ---------------------------------------------------------------- peak RSS method

function gnuTimeWorks() {
  if (!existsSync('/usr/bin/time')) return false;
  const dir = mkdtempSync(join(tmpdir(), 'nashra-bench-probe-'));
  try {
    const file = join(dir, 'time.txt');
    const probe = spawnSync('/usr/bin/time', ['-f', '%e %M', '-o', file, 'true']);
    return probe.status === 0 && /^\d+(\.\d+)? \d+\s*$/.test(readFileSync(file, 'utf8'));
  } catch {
    return false;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const rssMethod = args.rss ?? (gnuTimeWorks() ? 'time' : 'wrapper');
if (rssMethod !== 'time' && rssMethod !== 'wrapper') {
  console.error(USAGE);
  process.exit(2);
}

/**
 * Runs the wrapper in place of `node dist/cli.js`: it makes process.argv look
 * like a direct run, imports the CLI (which runs on import), and writes the
 * process's peak RSS in KiB to the file named by NASHRA_BENCH_RSS on exit.
 */
const WRAPPER = `
import { writeFileSync } from 'node:fs';
const [cli, ...rest] = process.argv.slice(1);
process.argv = [process.argv[0], cli, ...rest];
process.on('exit', () => writeFileSync(process.env.NASHRA_BENCH_RSS, String(process.resourceUsage().maxRSS)));
await import(${JSON.stringify(pathToFileURL(CLI).href)});
`;

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

// ---------------------------------------------------------------- one build

/** The running build, so that Ctrl-C or a kill removes its temporary output directory. */
let current;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    if (current) {
      current.child.kill('SIGKILL');
      rmSync(current.out, { recursive: true, force: true });
    }
    process.exit(130);
  });
}

function runBuild(target) {
  const out = mkdtempSync(join(tmpdir(), 'nashra-bench-out-'));
  const measure = join(out, 'peak-rss.txt');
  const cliArgs = ['build', '--config', target.config, '--posts', target.posts, '--out', join(out, 'feeds'), '--state-dir', join(out, 'state'), '--now', NOW];
  let command;
  let commandArgs;
  if (rssMethod === 'time') {
    command = '/usr/bin/time';
    commandArgs = ['-f', '%e %M', '-o', measure, process.execPath, CLI, ...cliArgs];
  } else {
    command = process.execPath;
    commandArgs = ['--input-type=module', '-e', WRAPPER, CLI, ...cliArgs];
  }
  return new Promise((resolvePromise, reject) => {
    const started = performance.now();
    const child = spawn(command, commandArgs, { cwd: ROOT, env: { ...process.env, NASHRA_BENCH_RSS: measure, NASHRA_LANG: 'en' }, stdio: ['ignore', 'pipe', 'pipe'] });
    current = { child, out };
    const stdout = [];
    const stderr = [];
    child.stdout.on('data', (chunk) => stdout.push(chunk));
    child.stderr.on('data', (chunk) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      current = undefined;
      const seconds = (performance.now() - started) / 1000;
      let rssKiB = NaN;
      try {
        const text = readFileSync(measure, 'utf8').trim();
        rssKiB = Number(rssMethod === 'time' ? text.split(/\s+/).pop() : text);
      } catch {
        // reported as n/a
      }
      const feeds = existsSync(join(out, 'feeds')) ? readdirSync(join(out, 'feeds'), { recursive: true }).filter((n) => /\.(xml|json)$/.test(n)).length : 0;
      rmSync(out, { recursive: true, force: true });
      const errText = Buffer.concat(stderr).toString('utf8');
      const lines = errText.split('\n');
      const errors = lines.filter((l) => /^\S.*:\d+:\d+ error /.test(l)).length;
      const warnings = lines.filter((l) => /^\S.*:\d+:\d+ warning /.test(l)).length;
      resolvePromise({ code, seconds, rssKiB, errors, warnings, feeds, stdout: Buffer.concat(stdout).toString('utf8').trim(), stderr: errText });
    });
  });
}

// ---------------------------------------------------------------- main

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const machineLine = machine();
log(`machine: ${machineLine}`);
log(`peak RSS via ${rssMethod === 'time' ? '/usr/bin/time -f %M' : 'process.resourceUsage().maxRSS wrapper'}`);

const rows = [];
for (const size of sizes) {
  const target = corpus(size);
  const results = [];
  for (let run = 1; run <= runs; run++) {
    const result = await runBuild(target);
    const label = run === 1 ? 'cold' : 'warm';
    log(`  ${size} articles, run ${run}/${runs} (${label}): ${result.seconds.toFixed(2)} s, ${(result.rssKiB / 1024).toFixed(0)} MB, exit ${result.code}; CLI: ${result.stdout}`);
    if (result.code !== 0 && result.code !== 1) {
      console.error(`the build failed with exit code ${result.code}:\n${result.stderr.slice(0, 4000)}`);
      process.exit(1);
    }
    if (result.errors + result.warnings > 0) log(`  ${result.errors} error and ${result.warnings} warning diagnostics, such as:\n${result.stderr.split('\n').slice(0, 5).join('\n')}`);
    results.push(result);
  }
  const seconds = median(results.map((r) => r.seconds));
  rows.push({
    articles: size,
    files: target.files,
    seconds,
    runs: results.map((r) => r.seconds),
    rssMB: Math.max(...results.map((r) => r.rssKiB)) / 1024,
    postsPerSecond: target.files / seconds,
    diagnostics: results[0].errors + results[0].warnings,
    feeds: results[0].feeds,
  });
}

const header = ['articles', 'files', 'build time (median, s)', 'runs (cold, warm…) s', 'peak RSS (MB)', 'posts/s', 'diagnostics'];
const cells = rows.map((r) => [
  r.articles.toLocaleString('en-US'),
  r.files.toLocaleString('en-US'),
  r.seconds.toFixed(2),
  r.runs.map((s) => s.toFixed(2)).join(', '),
  Number.isFinite(r.rssMB) ? r.rssMB.toFixed(0) : 'n/a',
  r.postsPerSecond.toFixed(0),
  String(r.diagnostics),
]);
const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
const line = (values) => `| ${values.map((v, i) => (i === 3 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join(' | ')} |`;
console.log(`\nmachine: ${machineLine}`);
console.log(`cli: ${CLI}`);
console.log(`command: node dist/cli.js build --config <corpus>/nashra.config.yaml --posts <corpus>/posts --out <tmp> --now ${NOW}; ${runs} runs per size, seed ${args.seed}`);
console.log(line(header));
console.log(`|${widths.map((w, i) => (i === 3 ? ':' : '-') + '-'.repeat(w) + (i === 3 ? '-' : ':')).join('|')}|`);
for (const c of cells) console.log(line(c));
