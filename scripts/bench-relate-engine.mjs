#!/usr/bin/env node
// Micro benchmark of the relatedness engine alone (src/relate), on compiled code in dist/.
//
//   npx tsc -p tsconfig.json && node scripts/bench-relate-engine.mjs [--sizes 2000,20000] [--seed 1]
//   node scripts/bench-relate-engine.mjs --corpus bench-corpus/n20000-seed1   (a generated corpus dir)
//
// Without --corpus it builds synthetic articles in memory: N articles (translation groups),
// 85% in English and Arabic, the rest in one language, 250-1,200 words per version drawn
// from Zipf-distributed vocabularies with per-topic words, tags and categories, dates over
// ten years. With --corpus it loads DIR/posts with nashra's own loader (dist/).
// Each size runs in a child process, so peak RSS belongs to that size alone. Prints a table:
// articles, posts, wall and CPU time of counting terms (TermIndex, which the loader does as it
// reads each body) + groupArticles + relateArticles, the heap they retain
// (the index is garbage after the call; what remains is the lists with their reasons), and the
// growth of peak RSS during the call. CPU time is the steadier figure on a shared machine.
// Node built-ins only.

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { hashSeed, mulberry32, zipf } from './random.mjs';
import { scriptArgs } from './script-args.mjs';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const USAGE = 'usage: node scripts/bench-relate-engine.mjs [--sizes 2000,20000] [--seed 1] [--count 5] [--corpus DIR]';

const args = scriptArgs(USAGE, {
  sizes: { type: 'string', default: '2000,20000' },
  seed: { type: 'string', default: '1' },
  count: { type: 'string', default: '5' },
  corpus: { type: 'string' },
  child: { type: 'string' },
});
const RELATED = join(ROOT, 'dist', 'relate', 'related.js');
if (!existsSync(RELATED)) {
  console.error(`${RELATED} is missing: compile first with \`npx tsc -p tsconfig.json\``);
  process.exit(2);
}

// ---------------------------------------------------------------- parent: one child per size

if (args.child === undefined) {
  const jobs = args.corpus ? [`corpus:${resolve(args.corpus)}`] : args.sizes.split(',').map((s) => s.trim());
  let model = cpus()[0]?.model ?? 'unknown CPU';
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => /^model name\s*:/.test(l));
    if (line) model = line.replace(/^model name\s*:\s*/, '').trim();
  } catch {
    // not Linux
  }
  console.log(`machine: ${model}, ${availableParallelism()} cores, ${(totalmem() / 1024 ** 3).toFixed(1)} GiB, Node ${process.version}`);
  console.log('| input | articles | posts | words | count + relate s (wall) | CPU s | retained heap MB | peak RSS growth MB |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const job of jobs) {
    const child = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--child', job, '--seed', args.seed, '--count', args.count], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 1 << 20,
    });
    if (child.status !== 0) {
      console.error(`${job}: child exited ${child.status}`);
      process.exit(1);
    }
    const r = JSON.parse(child.stdout.trim().split('\n').pop());
    console.log(`| ${r.input} | ${r.articles} | ${r.posts} | ${r.words} | ${r.seconds.toFixed(2)} | ${r.cpuSeconds.toFixed(2)} | ${r.heapMB.toFixed(0)} | ${r.rssMB.toFixed(0)} |`);
  }
  process.exit(0);
}

// ---------------------------------------------------------------- child: one measurement

const { groupArticles, relateArticles } = await import(pathToFileURL(RELATED).href);
const { TermIndex } = await import(pathToFileURL(join(ROOT, 'dist', 'relate', 'terms.js')).href);
const count = Number(args.count);

let posts;
let input;
/** A version's body: read back from disk for a corpus (before the clock starts), from the article objects for synthetic ones. */
let bodyOf = (post) => post.bodyMarkdown;
if (args.child.startsWith('corpus:')) {
  const dir = args.child.slice('corpus:'.length);
  const { parseConfig } = await import(pathToFileURL(join(ROOT, 'dist', 'config.js')).href);
  const { diskSource } = await import(pathToFileURL(join(ROOT, 'dist', 'load', 'readPosts.js')).href);
  const { bodyReader } = await import(pathToFileURL(join(ROOT, 'dist', 'load', 'bodies.js')).href);
  const { loadPosts } = await import(pathToFileURL(join(ROOT, 'dist', 'load', 'loadPosts.js')).href);
  const { config } = parseConfig(readFileSync(join(dir, 'nashra.config.yaml'), 'utf8'), 'nashra.config.yaml');
  if (!config) throw new Error(`${dir}/nashra.config.yaml is not a valid config`);
  const source = diskSource(join(dir, 'posts'), dir);
  posts = loadPosts(source.files, config).posts.filter((post) => !post.draft);
  bodyOf = bodyReader(source);
  input = dir.split('/').pop();
} else {
  posts = synthetic(Number(args.child), args.seed);
  input = `synthetic ${args.child}`;
}
const bodies = posts.map((post) => bodyOf(post));
const words = posts.reduce((sum, post, i) => sum + (post.wordCount ?? bodies[i].split(/\s+/).length), 0);

globalThis.gc?.();
const heapBefore = process.memoryUsage().heapUsed;
const rssBefore = process.resourceUsage().maxRSS;
const started = performance.now();
const cpuBefore = process.cpuUsage();
const terms = new TermIndex();
posts.forEach((post, i) => terms.add(post, bodies[i]));
const articles = groupArticles(posts);
const relations = relateArticles(articles, count, { terms });
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuBefore);
const rssAfter = process.resourceUsage().maxRSS;
globalThis.gc?.();
const heapAfter = process.memoryUsage().heapUsed;
if (relations.size !== articles.length) throw new Error('not every article got a list');
console.log(
  JSON.stringify({
    input,
    articles: articles.length,
    posts: posts.length,
    words,
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    heapMB: (heapAfter - heapBefore) / 1024 ** 2,
    rssMB: (rssAfter - rssBefore) / 1024,
  }),
);

// ---------------------------------------------------------------- synthetic articles

function synthetic(n, seed) {
  const random = mulberry32(hashSeed(String(seed)));
  const int = (min, max) => min + Math.floor(random() * (max - min + 1));
  const sampler = (size, s) => zipf(random, size, s);
  const makeWord = (letters, min, max) => Array.from({ length: int(min, max) }, () => letters[int(0, letters.length - 1)]).join('');
  // Surface forms drawn once, so the number of distinct words grows like a real archive's (about
  // 100,000 per language), not with every token: 25,000 stems, each with a few inflected forms.
  const arPrefixes = ['', '', '', 'ال', 'ال', 'و', 'وال', 'ب', 'بال', 'لل'];
  const arSuffixes = ['', '', '', 'ة', 'ات', 'ون', 'ين', 'ها', 'ي'];
  const enSuffixes = ['', '', '', 's', 'ed', 'ing', 'ly'];
  const forms = (letters, prefixes, suffixes) =>
    Array.from({ length: 25_000 }, () => makeWord(letters, 3, 9)).flatMap((stem) =>
      Array.from({ length: int(1, 6) }, () => prefixes[int(0, prefixes.length - 1)] + stem + suffixes[int(0, suffixes.length - 1)]),
    );
  const en = forms('abcdefghijklmnoprstuvwy', [''], enSuffixes);
  const ar = forms('ابتثجحخدذرزسشصضطظعغفقكلمنهوي', arPrefixes, arSuffixes);
  const common = { en: sampler(en.length, 1.0), ar: sampler(ar.length, 1.0) };
  const topics = 600;
  const topicWords = Array.from({ length: topics }, () => Array.from({ length: 40 }, () => int(2000, 80_000)));
  const topicOf = sampler(topics, 0.8);
  const tagOf = sampler(400, 1.0);
  const categories = [['News'], ['Statements'], ['Statements', 'Joint Statements'], ['Reports'], ['Reports', 'Research'], ['Campaigns']];
  const arCategories = [['أخبار'], ['بيانات'], ['بيانات', 'بيانات مشتركة'], ['تقارير'], ['تقارير', 'أبحاث'], ['حملات']];
  const day = 86_400_000;
  const start = Date.UTC(2016, 0, 1);
  const result = [];
  const text = (lang, topic, length) => {
    const words = lang === 'en' ? en : ar;
    const out = [];
    for (let i = 0; i < length; i++) {
      const index = random() < 0.15 ? topicWords[topic][int(0, 39)] % words.length : common[lang]();
      out.push(words[index]);
      if (i % 18 === 17) out.push('.\n\n');
    }
    return out.join(' ');
  };
  for (let a = 0; a < n; a++) {
    const topic = topicOf();
    const roll = random();
    const langs = roll < 0.85 ? ['en', 'ar'] : roll < 0.95 ? ['en'] : ['ar'];
    const date = new Date(start + int(0, 3650) * day);
    const tags = [...new Set([topic % 400, tagOf(), tagOf()])];
    const category = int(0, categories.length - 1);
    for (const lang of langs) {
      const slug = `a${a}-${lang}`;
      result.push({
        sourcePath: `posts/${lang}/${slug}.md`,
        lang,
        slug,
        id: `https://example.org/${lang}/${slug}/`,
        url: `https://example.org/${lang}/${slug}/`,
        title: text(lang, topic, int(6, 12)),
        date,
        translationKey: langs.length > 1 ? `a${a}` : undefined,
        summaryMarkdown: random() < 0.5 ? text(lang, topic, int(15, 30)) : undefined,
        bodyMarkdown: text(lang, topic, int(250, 1200)),
        categories: [lang === 'en' ? categories[category] : arCategories[category]],
        tags: tags.map((t) => (lang === 'en' ? `tag ${t}` : `وسم ${t}`)),
        authors: [],
        draft: false,
        positions: {},
      });
    }
  }
  return result;
}
