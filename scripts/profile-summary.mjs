#!/usr/bin/env node
// Summarises a V8 .cpuprofile (from `node --cpu-prof`): top functions by self
// time, project functions (dist/) by inclusive time, and self time per package.
//
//   node --cpu-prof --cpu-prof-dir=/tmp/prof dist/cli.js build ...
//   node scripts/profile-summary.mjs /tmp/prof/CPU.*.cpuprofile [--top 25]

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({ options: { top: { type: 'string', default: '25' } }, allowPositionals: true });
if (positionals.length !== 1) {
  console.error('usage: node scripts/profile-summary.mjs FILE.cpuprofile [--top N]');
  process.exit(2);
}
const top = Number(values.top);
const profile = JSON.parse(readFileSync(positionals[0], 'utf8'));

const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

function shortUrl(url) {
  if (!url) return '';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) return url.slice(nm + '/node_modules/'.length);
  const dist = url.indexOf('/dist/');
  if (dist >= 0) return url.slice(dist + 1);
  return url.replace(/^file:\/\//, '');
}

function packageOf(url, name) {
  if (!url) return name.startsWith('(') ? name : '(native / V8 builtins)';
  if (url.startsWith('node:')) return 'node: internals';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + '/node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.includes('/dist/')) return 'nashra (dist/)';
  return url;
}

const keyOf = (node) => {
  const f = node.callFrame;
  return `${f.functionName || '(anonymous)'}  ${shortUrl(f.url)}${f.url ? `:${f.lineNumber + 1}` : ''}`;
};

const self = new Map();
const inclusive = new Map();
const byPackage = new Map();
let total = 0;
const samples = profile.samples;
const deltas = profile.timeDeltas;
for (let i = 0; i < samples.length; i++) {
  const dt = Math.max(0, deltas[i] ?? 0) / 1000; // microseconds to ms
  total += dt;
  const leaf = nodes.get(samples[i]);
  const leafKey = keyOf(leaf);
  self.set(leafKey, (self.get(leafKey) ?? 0) + dt);
  const pkg = packageOf(leaf.callFrame.url, leaf.callFrame.functionName);
  byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + dt);
  const seen = new Set();
  for (let id = samples[i]; id !== undefined; id = parent.get(id)) {
    const node = nodes.get(id);
    if (!node.callFrame.url.includes('/dist/')) continue;
    const key = keyOf(node);
    if (seen.has(key)) continue;
    seen.add(key);
    inclusive.set(key, (inclusive.get(key) ?? 0) + dt);
  }
}

const fmt = (ms) => `${(ms / 1000).toFixed(2).padStart(8)} s ${((100 * ms) / total).toFixed(1).padStart(5)}%`;
const print = (title, map, n) => {
  console.log(`\n${title}`);
  for (const [key, ms] of [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, n)) console.log(`${fmt(ms)}  ${key}`);
};
console.log(`profile: ${positionals[0]}\nsampled time: ${(total / 1000).toFixed(2)} s in ${samples.length} samples`);
print('self time by package', byPackage, 15);
print(`top ${top} functions by self time`, self, top);
print(`top ${top} project functions (dist/) by inclusive time`, inclusive, top);
