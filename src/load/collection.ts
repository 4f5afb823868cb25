import { diagnostic, type Diagnostic } from '../diagnostics.js';
import type { Post, UniqueField } from '../model.js';

export interface Collection {
  /** Valid posts, sorted by language then source path, whatever order the files were read in. */
  readonly posts: Post[];
  readonly diagnostics: Diagnostic[];
}

/**
 * Checks what only the whole set of posts can show: two posts at one URL or
 * with one id, two posts of one language sharing a translation key. The first
 * post by path keeps its place; the later one is reported and skipped.
 */
export function assembleCollection(posts: readonly Post[]): Collection {
  const sorted = [...posts].sort((a, b) => compare(a.lang, b.lang) || compare(a.sourcePath, b.sourcePath));
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
      diagnostics.push(diagnostic(post.sourcePath, position, 'error', field, `${describe(other)}; this post is skipped`));
      continue;
    }
    for (const [key] of claims) owners.set(key, post);
    kept.push(post);
  }
  return { posts: kept, diagnostics };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
