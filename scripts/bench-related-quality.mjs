#!/usr/bin/env node
// Related-article quality and cost on corpora with planted topic clusters (known ground truth).
//
//   npm run build:ts && node scripts/bench-related-quality.mjs [--sizes 2000,20000] [--seed 1]
//
// For each size: precision@5 against the planted clusters, EN/AR agreement of the lists of
// translated pairs, time of the related stage, and the process's peak RSS. Each size runs in
// its own child process so memory figures do not mix.
import { spawnSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const { values } = parseArgs({ options: { sizes: { type: 'string', default: '2000,20000' }, seed: { type: 'string', default: '1' }, child: { type: 'string' } } });

if (values.child) {
  const { plantedCorpus, measureQuality } = await import(pathToFileURL(join(ROOT, 'dist/bench/plantedCorpus.js')).href);
  const { parseConfig } = await import(pathToFileURL(join(ROOT, 'dist/config.js')).href);
  const { config } = parseConfig(JSON.stringify({ baseUrl: 'https://bench.example.org/', languages: { en: { siteName: 'Bench' }, ar: { siteName: 'مقياس' } } }), 'bench');
  const report = measureQuality(plantedCorpus(Number(values.child), Number(values.seed)), config);
  process.stdout.write(JSON.stringify({ ...report, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) }));
  process.exit(0);
}

console.log(`machine: ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}`);
console.log('| articles | pairs | precision@5 | EN/AR agreement | related stage (s) | peak RSS of the run (MB) |');
console.log('|---------:|------:|------------:|----------------:|------------------:|-------------------------:|');
for (const size of values.sizes.split(',').map(Number)) {
  const run = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', String(size), '--seed', values.seed], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (run.status !== 0) {
    console.error(run.stderr);
    process.exit(1);
  }
  const r = JSON.parse(run.stdout);
  console.log(`| ${size.toLocaleString('en')} | ${r.pairs.toLocaleString('en')} | ${r.precisionAt5.toFixed(3)} | ${(r.agreement * 100).toFixed(1)}% | ${(r.relateMs / 1000).toFixed(2)} | ${r.peakRssMb} |`);
}
