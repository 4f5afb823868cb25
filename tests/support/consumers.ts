/**
 * Real feed consumers, run on the files nashra writes: Python feedparser,
 * xmllint, jing, and npm parsers. A consumer that is missing fails the test under
 * CI=true; elsewhere the tests that need it are skipped with a note.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import Parser from 'rss-parser';
import { extractFromJson, extractFromXml } from '@extractus/feed-extractor';
import { ROOT } from './site.js';

export const PYTHON = process.env.NASHRA_PYTHON ?? '/usr/bin/python3';
/** Debian's chromium, driven through playwright-core by tests/browser.test.ts (no browser is downloaded). */
export const CHROMIUM = '/usr/bin/chromium';
const inCi = process.env.CI === 'true';

function available(command: string, args: string[]): boolean {
  return spawnSync(command, args, { stdio: 'ignore' }).status === 0;
}

/** Whether a command can be started at all (for tools such as jing that exit non-zero without input). */
function onPath(command: string): boolean {
  return spawnSync(command, [], { stdio: 'ignore' }).error === undefined;
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export const tools = {
  feedparser: available(PYTHON, ['-c', 'import feedparser']),
  xmllint: available('xmllint', ['--version']),
  newsboat: available('newsboat', ['--version']),
  chromium: executable(CHROMIUM),
  jing: onPath('jing'),
};

/** Whether to skip tests needing `tool`: never under CI, where a missing tool must fail. */
export function skipWithout(tool: keyof typeof tools): boolean {
  if (tools[tool] || inCi) return false;
  console.warn(`skipping tests that need ${tool}: not installed (run npm test to install it)`);
  return true;
}

export interface FeedparserResult {
  bozo: boolean;
  bozo_exception: string;
  version: string;
  feed: Record<string, unknown> & { title?: string; language?: string; links?: FeedparserLink[] };
  entries: FeedparserEntry[];
}
export interface FeedparserLink {
  rel: string;
  href: string;
  type?: string;
  hreflang?: string;
  title?: string;
  length?: string;
}
export interface FeedparserEntry {
  id: string;
  title: string;
  link: string;
  links: FeedparserLink[];
  published?: string;
  updated?: string;
  summary?: string;
  content?: { value: string; language?: string; type?: string }[];
  tags?: { term: string; scheme?: string; label?: string }[];
  authors?: { name?: string; href?: string }[];
  contributors?: { name?: string; href?: string }[];
  media_content?: { url: string; type?: string; medium?: string }[];
  enclosures?: { href: string; type?: string; length?: string }[];
  guidislink?: boolean;
  [key: string]: unknown;
}

export function feedparser(file: string): FeedparserResult {
  const output = execFileSync(PYTHON, [join(ROOT, 'tests/support/feedparse.py'), file], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  return JSON.parse(output) as FeedparserResult;
}

/** What a feed-history walk reads of a feed: the feed-level links and the entry ids. */
export interface FeedHistory {
  readonly path: string;
  readonly bozo: boolean;
  readonly bozo_exception: string;
  readonly links: readonly { readonly rel?: string; readonly href?: string }[];
  readonly ids: readonly string[];
}

/** feedparser over many files in one Python process (one process a file is too slow for an archive). */
export function feedparserHistories(files: readonly string[]): Map<string, FeedHistory> {
  const output = execFileSync(PYTHON, [join(ROOT, 'tests/support/feedlinks.py')], { input: files.join('\n'), encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  return new Map((JSON.parse(output) as FeedHistory[]).map((history) => [history.path, history]));
}

/** xmllint's verdict on well-formedness (and namespaces); returns its complaints, empty when clean. */
export function xmllint(file: string): string {
  const run = spawnSync('xmllint', ['--noout', '--nonet', file], { encoding: 'utf8' });
  return run.status === 0 ? '' : run.stderr || `xmllint exited ${run.status}`;
}

const rssParser = new Parser({
  customFields: {
    item: [
      ['dc:creator', 'creators', { keepArray: true }],
      ['dc:contributor', 'contributors', { keepArray: true }],
    ],
  },
});

export async function parseWithRssParser(xml: string) {
  return rssParser.parseString(xml);
}

export function parseWithFeedExtractor(text: string, kind: 'xml' | 'json') {
  const options = { normalization: true, descriptionMaxLen: 0, useISODateFormat: true } as const;
  return kind === 'json' ? extractFromJson(JSON.parse(text) as Record<string, unknown>, options) : extractFromXml(text, options);
}

const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
addFormats.default(ajv);
const jsonFeedSchema = ajv.compile(JSON.parse(readFileSync(join(ROOT, 'tests/schemas/jsonfeed-1.1.schema.json'), 'utf8')) as object);

/** Validation errors against the JSON Feed 1.1 schema; empty when valid. */
export function jsonFeedErrors(text: string): string[] {
  const valid = jsonFeedSchema(JSON.parse(text));
  return valid ? [] : (jsonFeedSchema.errors ?? []).map((error) => `${error.instancePath} ${error.message ?? ''}`);
}

/** Values xmllint finds at an XPath expression (namespace-agnostic paths work best with local-name()). */
export function xpath(file: string, expression: string): string[] {
  const run = spawnSync('xmllint', ['--nonet', '--xpath', expression, file], { encoding: 'utf8' });
  if (run.status !== 0) return [];
  return run.stdout
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => line.replace(/^\w[\w:-]*="(.*)"$/, '$1'));
}
