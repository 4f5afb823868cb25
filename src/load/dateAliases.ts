import type { FrontMatter } from './frontMatter.js';

/**
 * Hugo's (and Jekyll's `last_modified_at`) front-matter keys that mean one of
 * our dates. Hugo reads keys in any case, so the lower-case spellings people
 * copy from its docs count too. A site moved from Hugo keeps its hidden posts
 * hidden.
 */
export const DATE_ALIASES = {
  publishAt: ['publishDate', 'publishdate', 'pubdate'],
  expires: ['expiryDate', 'expirydate', 'unpublishdate'],
  updated: ['lastmod', 'modified', 'last_modified_at'],
} as const satisfies Record<string, readonly (keyof FrontMatter)[]>;

export type AliasedField = keyof typeof DATE_ALIASES;
