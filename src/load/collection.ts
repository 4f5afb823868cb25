import { diagnostic, type Diagnostic } from '../diagnostics.js';
import type { Post, UniqueField } from '../model.js';

export interface Collection {
  /** Valid posts, sorted by language then source path, whatever order the files were read in. */
  readonly posts: Post[];
  readonly diagnostics: Diagnostic[];
}

/** How a post stands against the last build: published with this very text, published from this file since edited, or new. */
export type Standing = 'published' | 'edited' | 'new';

const STANDING_RANK: Record<Standing, number> = { published: 2, edited: 1, new: 0 };

/**
 * Checks what only the whole set of posts can show: two posts at one URL or
 * with one id, two posts of one language sharing a translation key. A post
 * the last build published keeps its place, so a copied file can never push
 * out the article it copied; a published post published exactly as it is
 * now outranks one whose file was edited since, so an edit that copies
 * another article's key or URL cannot push that article out either; between
 * equals the first by path wins. The loser is reported, naming both files,
 * and skipped.
 */
export function assembleCollection(posts: readonly Post[], standingOf: (post: Post) => Standing = () => 'new'): Collection {
  const byPath = (a: Post, b: Post) => compare(a.lang, b.lang) || compare(a.sourcePath, b.sourcePath);
  const rank = new Map(posts.map((post) => [post, STANDING_RANK[standingOf(post)]]));
  const established = new Set(posts.filter((post) => (rank.get(post) ?? 0) > 0));
  const sorted = [...posts].sort((a, b) => (rank.get(b) ?? 0) - (rank.get(a) ?? 0) || byPath(a, b));
  const diagnostics: Diagnostic[] = [];
  const owners = new Map<string, Post>();
  const kept: Post[] = [];
  for (const post of sorted) {
    const claims: [key: string, field: UniqueField, describe: (other: Post) => string][] = [
      [`url ${post.url}`, 'slug', (other) => `URL ${post.url} is already used by ${other.sourcePath}`],
      [`id ${post.id}`, 'id', (other) => `id "${post.id}" is already used by ${other.sourcePath}`],
    ];
    if (post.translationKey !== undefined) {
      claims.push([
        `translation ${post.lang} ${post.translationKey}`,
        'translationKey',
        (other) => `translationKey "${post.translationKey}" is already used by ${other.sourcePath} in the same language`,
      ]);
    }
    const clash = claims.find(([key]) => owners.has(key));
    if (clash) {
      const [key, field, describe] = clash;
      const other = owners.get(key) as Post;
      const position = post.positions[field] ?? { line: 1, column: 1 };
      const why = established.has(other) ? ', which is published' : '';
      diagnostics.push(diagnostic(post.sourcePath, position, 'error', field, `${describe(other)}${why}; this post is skipped`));
      continue;
    }
    for (const [key] of claims) owners.set(key, post);
    kept.push(post);
  }
  return { posts: kept.sort(byPath), diagnostics };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
