import type { Post } from '../model.js';
import { htmlToText } from '../render/summary.js';
import { relatedItems, type Relatedness, type Renderer } from './compose.js';
import { rfc3339 } from './feedAdapter.js';

export const RELATED_FILE = 'related.json';

/**
 * `<lang>/related.json`: the related list of every published article of a
 * language, not only the latest items, so a site can render the "Related
 * articles" block of any page. Sorted by id; deterministic bytes.
 */
export function renderRelatedIndex(lang: string, livePosts: readonly Post[], relatedness: Relatedness, render: Renderer): string {
  const posts = livePosts.filter((post) => post.lang === lang).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const articles = posts.map((post) => ({
    id: post.id,
    url: post.url,
    title: post.title,
    related: relatedItems(relatedness, post, render).map((item) => ({
      id: item.id,
      url: item.url,
      title: item.title,
      summary: htmlToText(item.summaryHtml),
      language: item.lang,
      date_published: rfc3339(item.date),
      score: item.score,
    })),
  }));
  return `${JSON.stringify({ version: 1, language: lang, articles }, null, 2)}\n`;
}
