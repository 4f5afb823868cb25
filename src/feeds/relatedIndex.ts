import { createHash } from 'node:crypto';
import type { Post } from '../model.js';
import type { Relatedness } from '../relate/index.js';
import { relatedItems, relatedListSource } from './compose.js';
import type { RelatedItem } from './document.js';
import { rfc3339 } from './feedAdapter.js';
import { compareCodeUnits } from '../text.js';

/** The folder of a language's related files: one per live article, and the index. */
export const RELATED_DIR = 'related';
export const RELATED_INDEX_FILE = 'index.json';
/** The whole-file list of earlier versions, behind `feeds.relatedWholeFile`. */
export const RELATED_WHOLE_FILE = 'related.json';

/** A related file's path and bytes: small, so produced whole, and only when asked for. */
export interface RelatedFile {
  readonly path: string;
  /** What the file is made from besides nashra's code, for the writer's fingerprint: an article's list is not produced again while it stays the same. */
  readonly source: string;
  content(): string;
  /** An article's list, or the index that points at them: what the writer must put in place first. */
  readonly role: 'article' | 'index';
}

/** One article's related list as the related files carry it. */
interface RelatedArticle {
  readonly id: string;
  readonly url: string;
  readonly title: string;
  readonly related: readonly RelatedEntry[];
}

interface RelatedEntry {
  readonly id: string;
  readonly url: string;
  readonly title: string;
  readonly summary: string;
  readonly language: string;
  readonly date_published: string;
  /** In the whole file only: see `relatedFiles`. */
  readonly score?: number;
}

/**
 * The name of each live article's related file in its language: its slug,
 * which every page knows. Two articles of a language can share a slug (the
 * URL pattern may hold the section or the year) and a slug could be `index`
 * or differ from another only in letter case (one file on macOS): such an
 * article's name is its slug, `~` and a digest of its URL, which the index
 * maps. A slug never holds `~`, so such a name never takes another's.
 */
export function relatedKeys(posts: readonly Post[]): Map<Post, string> {
  const taken = new Map<string, number>([[fileStem(RELATED_INDEX_FILE), 1]]);
  for (const post of posts) taken.set(post.slug.toLowerCase(), (taken.get(post.slug.toLowerCase()) ?? 0) + 1);
  return new Map(posts.map((post) => [post, taken.get(post.slug.toLowerCase()) === 1 ? post.slug : `${post.slug}~${digestOf(post.url)}`]));
}

/**
 * `<lang>/related/<key>.json` for every live article of a language, then
 * `<lang>/related/index.json`, which maps each key to its file and the
 * article's URL (what a page that does not know its key looks itself up
 * by). Sorted by key; deterministic bytes.
 */
export function* relatedFiles(lang: string, livePosts: readonly Post[], relatedness: Relatedness): Generator<RelatedFile> {
  const keys = [...relatedKeys(livePosts.filter((post) => post.lang === lang)).entries()].sort(([, a], [, b]) => compareCodeUnits(a, b));
  for (const [post, key] of keys) {
    // No scores: every new or deleted article moves them all a little, and an unchanged list must keep its bytes, or one post rewrites thousands of files.
    const content = () => `${JSON.stringify({ version: 1, language: lang, ...relatedArticle(post, relatedness, false) }, null, 2)}\n`;
    yield { path: `${lang}/${RELATED_DIR}/${key}.json`, source: `${lang}\0${relatedListSource(relatedness, post)}`, content, role: 'article' };
  }
  // One article a line: at archive scale the index is what a page fetches first, so it carries no layout beyond that.
  const entries = keys.map(([post, key]) => `    ${JSON.stringify(key)}: ${JSON.stringify({ file: `${key}.json`, url: post.url })}`);
  const articles = entries.length === 0 ? '{}' : `{\n${entries.join(',\n')}\n  }`;
  const index = `{\n  "version": 1,\n  "language": ${JSON.stringify(lang)},\n  "articles": ${articles}\n}\n`;
  yield { path: `${lang}/${RELATED_DIR}/${RELATED_INDEX_FILE}`, source: index, content: () => index, role: 'index' };
}

/**
 * `<lang>/related.json`: the related list of every published article of a
 * language in one file, as nashra wrote it before the per-article files.
 * Sorted by id; laid out as `JSON.stringify(index, null, 2)` would, but
 * produced one article at a time: at archive scale the file is tens of megabytes.
 */
export function* renderRelatedWholeFile(lang: string, livePosts: readonly Post[], relatedness: Relatedness): Generator<string> {
  const posts = livePosts.filter((post) => post.lang === lang).sort((a, b) => compareCodeUnits(a.id, b.id));
  yield `{\n  "version": 1,\n  "language": ${JSON.stringify(lang)},\n  "articles": [`;
  for (const [index, post] of posts.entries()) {
    // Newlines inside JSON strings are escaped, so every raw newline is layout and takes the nesting indent.
    yield `${index === 0 ? '' : ','}\n    ${JSON.stringify(relatedArticle(post, relatedness, true), null, 2).replace(/\n/g, '\n    ')}`;
  }
  yield posts.length === 0 ? ']\n}\n' : '\n  ]\n}\n';
}

function relatedArticle(post: Post, relatedness: Relatedness, withScores: boolean): RelatedArticle {
  return { id: post.id, url: post.url, title: post.title, related: relatedItems(relatedness, post).map((item) => relatedEntry(item, withScores)) };
}

function relatedEntry(item: RelatedItem, withScore: boolean): RelatedEntry {
  const entry = { id: item.id, url: item.url, title: item.title, summary: item.summaryText, language: item.lang, date_published: rfc3339(item.date) };
  return withScore ? { ...entry, score: item.score } : entry;
}

function fileStem(name: string): string {
  return name.replace(/\.json$/, '');
}

/** Ten hex digits of the URL's SHA-256: the URL is unique, and two clashing slugs of a language are few. */
function digestOf(url: string): string {
  return createHash('sha256').update(url).digest('hex').slice(0, 10);
}

