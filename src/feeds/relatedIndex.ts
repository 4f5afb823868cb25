import type { Post } from '../model.js';
import type { Relatedness } from '../relate/index.js';
import { relatedItems } from './compose.js';
import { rfc3339 } from './feedAdapter.js';

export const RELATED_FILE = 'related.json';

/**
 * `<lang>/related.json`: the related list of every published article of a
 * language, not only the latest items, so a site can render the "Related
 * articles" block of any page. Sorted by id; deterministic bytes, laid out as
 * `JSON.stringify(index, null, 2)` would, but produced one article at a time:
 * at archive scale the file is tens of megabytes.
 */
export function* renderRelatedIndex(lang: string, livePosts: readonly Post[], relatedness: Relatedness): Generator<string> {
  const posts = livePosts.filter((post) => post.lang === lang).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  yield `{\n  "version": 1,\n  "language": ${JSON.stringify(lang)},\n  "articles": [`;
  for (const [index, post] of posts.entries()) {
    const article = {
      id: post.id,
      url: post.url,
      title: post.title,
      related: relatedItems(relatedness, post).map((item) => ({
        id: item.id,
        url: item.url,
        title: item.title,
        summary: item.summaryText,
        language: item.lang,
        date_published: rfc3339(item.date),
        score: item.score,
      })),
    };
    // Newlines inside JSON strings are escaped, so every raw newline is layout and takes the nesting indent.
    yield `${index === 0 ? '' : ','}\n    ${JSON.stringify(article, null, 2).replace(/\n/g, '\n    ')}`;
  }
  yield posts.length === 0 ? ']\n}\n' : '\n  ]\n}\n';
}
