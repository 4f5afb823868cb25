import { createHash } from 'node:crypto';
import type { Post } from '../model.js';

const known = new WeakMap<Post, { readonly file: string; readonly digest: string }>();

/**
 * Everything loading gave of a post (its text by hash, dates, URL, image
 * facts) as one digest, its file named `file` (as the state directory names
 * it). Computed once per post object and name: a process that builds again
 * keeps its posts, and the load cache stores each post's digest with it, so
 * that a build reusing a record does not serialise the post again (at 5,000
 * articles, 0.13 s of every build with the cache).
 */
export function postDigest(post: Post, file: string): string {
  const remembered = known.get(post);
  if (remembered?.file === file) return remembered.digest;
  const digest = createHash('sha256')
    .update(JSON.stringify(file === post.sourcePath ? post : { ...post, sourcePath: file }))
    .digest('base64url');
  known.set(post, { file, digest });
  return digest;
}

/** Tells `postDigest` the digest of a post read back from the load cache, which a build stored with it. */
export function knowPostDigest(post: Post, file: string, digest: string): void {
  known.set(post, { file, digest });
}

const shown = new WeakMap<Post, string>();

/**
 * What an entry of another post shows of this one, as a related item or a
 * translation link (`relatedItem` and `composeEntry` in feeds/compose.ts: its
 * id, URL, title, summary, language and date), as one digest: an edit to the rest of the post, its
 * body above all, leaves it as it is. It goes into the sources of many
 * documents; stored with the post in the load cache like `postDigest`
 * (0.08 s of an edit build at 5,000 articles).
 */
export function shownDigest(post: Post): string {
  let digest = shown.get(post);
  if (digest === undefined) {
    digest = createHash('sha256').update(JSON.stringify([post.id, post.url, post.title, post.summaryHtml, post.summaryText, post.lang, post.date])).digest('base64url');
    shown.set(post, digest);
  }
  return digest;
}

/** Tells `shownDigest` the digest of a post read back from the load cache. */
export function knowShownDigest(post: Post, digest: string): void {
  shown.set(post, digest);
}
