import { diagnostic, type Diagnostic } from '../diagnostics.js';
import { message } from '../i18n/message.js';
import type { Post } from '../model.js';
import { articleKey } from './related.js';

export interface ResolvedPins {
  /** Article key -> pinned article keys, in the order the author gave. */
  readonly pins: Map<string, string[]>;
  readonly diagnostics: Diagnostic[];
}

/**
 * Resolves front-matter `related:` entries, each a translation key or a slug
 * (of the post's own language first, then any), to article keys. A pin that
 * names nothing is a warning at the `related` line; the post still publishes.
 */
export function resolvePins(posts: readonly Post[]): ResolvedPins {
  const byTranslationKey = new Map<string, string>();
  const bySlug = new Map<string, string>();
  for (const post of posts) {
    if (post.translationKey !== undefined) byTranslationKey.set(post.translationKey, articleKey(post));
    bySlug.set(`${post.lang} ${post.slug}`, articleKey(post));
    if (!bySlug.has(`* ${post.slug}`)) bySlug.set(`* ${post.slug}`, articleKey(post));
  }
  const pins = new Map<string, string[]>();
  const diagnostics: Diagnostic[] = [];
  for (const post of posts) {
    if (!post.relatedPins) continue;
    const own = articleKey(post);
    // The versions of a pair share one list: this version's pins follow those of a version before it.
    const keys = pins.get(own) ?? [];
    for (const pin of post.relatedPins) {
      const key = byTranslationKey.get(pin) ?? bySlug.get(`${post.lang} ${pin}`) ?? bySlug.get(`* ${pin}`);
      if (key === undefined) {
        const position = post.positions.related ?? { line: 1, column: 1 };
        diagnostics.push(diagnostic(post.sourcePath, position, 'warning', 'related', message('diagnostics.field.relatedUnknown', { pin })));
      } else if (key !== own && !keys.includes(key)) {
        keys.push(key);
      }
    }
    pins.set(own, keys);
  }
  return { pins, diagnostics };
}
