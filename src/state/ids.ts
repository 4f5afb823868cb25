/**
 * The id a post keeps: once published, an article keeps the id it was
 * published with, whatever its category, section, URL pattern or date
 * become. Pure: the record is read by `store.ts`.
 */
import type { SiteConfig } from '../config.js';
import { parsePost } from '../load/parsePost.js';
import type { Post } from '../model.js';
import type { Previous, PublishedPost } from './published.js';

/**
 * `post` with the id its article was published with: the id the last build
 * recorded for its file (or for its unchanged text, moved to another file),
 * or, when that build was made by a nashra that kept no ids, the URL it was
 * published at, which was then its id. A post that was not published keeps
 * its default id (see `defaultItemId`); an `id` in the front matter always wins.
 */
export function withPublishedId(post: Post, previous: Previous, config: SiteConfig): Post {
  if (post.positions.id !== undefined) return post;
  const published = previous.byPath(post.sourcePath) ?? previous.byText(post.lang, post.sourceHash);
  if (!published || published.lang !== post.lang) return post;
  const id = published.id ?? (previous.withoutIds ? urlAsPublished(post, published, previous, config) : undefined);
  return id === undefined || id === post.id ? post : { ...post, id };
}

/**
 * The URL a post was published at by a nashra that kept no ids: its own when
 * its text is the one published, else the one its published text gives
 * (the editor may have moved it in the same edit).
 */
function urlAsPublished(post: Post, published: PublishedPost, previous: Previous, config: SiteConfig): string {
  if (published.hash === post.sourceHash) return post.url;
  const text = previous.textOf(published.hash);
  const before = text === undefined ? undefined : parsePost({ path: published.path, lang: published.lang, text }, config).post;
  if (before?.positions.id !== undefined) return before.id;
  return before?.url ?? post.url;
}
