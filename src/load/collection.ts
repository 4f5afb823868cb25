import { diagnostic, type Diagnostic } from '../diagnostics.js';
import { message, type Message } from '../i18n/message.js';
import type { Post, UniqueField } from '../model.js';
import { compareCodeUnits } from '../text.js';

export interface Collection {
  /** Valid posts, sorted by language then source path, whatever order the files were read in. */
  readonly posts: Post[];
  readonly diagnostics: Diagnostic[];
  /** Posts that lost a clash and were skipped. */
  readonly rejected: Post[];
}

/**
 * Which post keeps a contested URL, id or translation key: the lower standing
 * wins, then the first by path. See `standingOf` in the pipeline.
 */
export type Standing = (post: Post) => number;

/**
 * Checks what only the whole set of posts can show: two posts at one URL or
 * with one id, two posts of one language sharing a translation key. The post
 * of lower standing keeps its place (a published post before a newcomer, so
 * a copied file can never push out the article it copied); between equals
 * the first by path wins. The loser is reported, naming both files, and
 * skipped.
 */
export function assembleCollection(posts: readonly Post[], standing: Standing = () => 0): Collection {
  const byPath = (a: Post, b: Post) => compareCodeUnits(a.lang, b.lang) || compareCodeUnits(a.sourcePath, b.sourcePath);
  const rank = new Map(posts.map((post) => [post, standing(post)]));
  const sorted = [...posts].sort((a, b) => (rank.get(a) ?? 0) - (rank.get(b) ?? 0) || byPath(a, b));
  const rejected: Post[] = [];
  const diagnostics: Diagnostic[] = [];
  const owners = new Map<string, Post>();
  const kept: Post[] = [];
  for (const post of sorted) {
    const claims: [key: string, field: UniqueField, describe: (other: Post) => Message][] = [
      [`url ${post.url}`, 'slug', (other) => message('diagnostics.duplicate.url', { url: post.url, other: other.sourcePath })],
      [`id ${post.id}`, 'id', (other) => message(post.positions.id ? 'diagnostics.duplicate.id' : 'diagnostics.duplicate.defaultId', { id: post.id, other: other.sourcePath })],
    ];
    if (post.translationKey !== undefined) {
      claims.push([
        `translation ${post.lang} ${post.translationKey}`,
        'translationKey',
        (other) => message('diagnostics.duplicate.translationKey', { key: post.translationKey ?? '', other: other.sourcePath }),
      ]);
    }
    const clash = claims.find(([key]) => owners.has(key));
    if (clash) {
      const [key, field, describe] = clash;
      const other = owners.get(key) as Post;
      const position = post.positions[field] ?? { line: 1, column: 1 };
      const published = (rank.get(other) ?? 0) < (rank.get(post) ?? 0);
      diagnostics.push(diagnostic(post.sourcePath, position, 'error', field, message(published ? 'diagnostics.duplicate.skippedPublished' : 'diagnostics.duplicate.skipped', { clash: describe(other) })));
      rejected.push(post);
      continue;
    }
    for (const [key] of claims) owners.set(key, post);
    kept.push(post);
  }
  return { posts: kept.sort(byPath), diagnostics, rejected };
}

