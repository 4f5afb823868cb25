#!/usr/bin/env node
// Related-article quality and cost on corpora with planted topic clusters (known ground truth).
//
//   npm run build:ts && node scripts/bench-related-quality.mjs [--sizes 2000,20000] [--seed 1]
//
// For each size it writes (or reuses) a planted corpus under bench-corpus/ with
// `scripts/generate-corpus.mjs --planted`, then, in a child process of its own so memory figures
// do not mix, loads it from disk and relates it through nashra's real load and relate stages
// (dist/). It reports precision@5 against the planted clusters, EN/AR agreement of the lists of
// translated pairs, and times: reading every file and its front matter (the yardstick), the whole
// load stage, and the related stage. Counting terms is done while the loader holds each body, on a
// worker thread from 1,000 posts: its CPU time is measured by counting the same bodies again, and
// the loader's own share of it (handing bodies over, taking the counts back) inside the real load.
// The related stage is that share plus indexing and ranking.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { scriptArgs } from './script-args.mjs';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const values = scriptArgs('usage: node scripts/bench-related-quality.mjs [--sizes 2000,20000] [--seed 1]', {
  sizes: { type: 'string', default: '2000,20000' },
  seed: { type: 'string', default: '1' },
  child: { type: 'string' },
});
const dist = (path) => pathToFileURL(join(ROOT, 'dist', path)).href;

if (values.child) {
  const dir = values.child;
  const { measureQuality } = await import(dist('bench/plantedCorpus.js'));
  const { parseConfig } = await import(dist('config.js'));
  const { diskSource } = await import(dist('load/readPosts.js'));
  const { config } = parseConfig(readFileSync(join(dir, 'nashra.config.yaml'), 'utf8'), 'nashra.config.yaml');
  const clusterOf = new Map(Object.entries(JSON.parse(readFileSync(join(dir, 'clusters.json'), 'utf8'))));
  const report = measureQuality(diskSource(join(dir, 'posts'), dir), clusterOf, config);
  process.stdout.write(JSON.stringify({ ...report, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) }));
  process.exit(0);
}

const seconds = (ms) => (ms / 1000).toFixed(2);

/** The planted corpus of one size, generated unless it is already there. */
function corpus(size) {
  const dir = join(ROOT, 'bench-corpus', `planted-n${size}-seed${values.seed}`);
  if (!existsSync(join(dir, 'clusters.json'))) {
    const made = spawnSync(process.execPath, [join(ROOT, 'scripts', 'generate-corpus.mjs'), '--planted', '--articles', String(size), '--seed', values.seed, '--out', dir, '--force'], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    if (made.status !== 0) process.exit(1);
  }
  return dir;
}

console.log(`machine: ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}`);
console.log('| articles | pairs | precision@5 | EN/AR agreement | read + front matter (s) | load stage (s) | counting terms, CPU (s) | counting, loader\'s share (s) | index and lists (s) | related stage (s) | peak RSS (MB) |');
console.log('|---------:|------:|------------:|----------------:|------------------------:|---------------:|------------------------:|------------------------------:|--------------------:|------------------:|--------------:|');
for (const size of values.sizes.split(',').map(Number)) {
  const run = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', corpus(size)], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (run.status !== 0) {
    console.error(run.stderr);
    process.exit(1);
  }
  const r = JSON.parse(run.stdout);
  console.log(
    `| ${size.toLocaleString('en')} | ${r.pairs.toLocaleString('en')} | ${r.precisionAt5.toFixed(3)} | ${(r.agreement * 100).toFixed(1)}% | ${seconds(r.frontMatterMs)} | ${seconds(r.loadMs)} | ${seconds(r.countMs)} | ${seconds(r.countOnLoaderMs)} | ${seconds(r.relateMs)} | ${seconds(r.countOnLoaderMs + r.relateMs)} | ${r.peakRssMb} |`,
  );
}
