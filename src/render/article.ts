import type { SiteConfig } from '../config.js';
import type { Post } from '../model.js';
import { markdownToHtml } from './markdown.js';
import { sanitizeHtml } from './sanitize.js';
import { htmlToText, summarizeHtml } from './summary.js';

export interface RenderedPost {
  /** Sanitised body HTML with absolute URLs. */
  readonly bodyHtml: string;
  /** Sanitised HTML summary: the `summary` field, else the opening of the body. */
  readonly summaryHtml: string;
  readonly wordCount: number;
}

/** An author's own summary may run longer than a derived one, but not without limit. */
const AUTHORED_SUMMARY_FACTOR = 3;

/** Markdown to safe HTML for one post. Pure, so results can be cached by content hash. */
export function renderPost(post: Post, config: SiteConfig): RenderedPost {
  const bodyHtml = sanitizeHtml(markdownToHtml(post.bodyMarkdown), post.url);
  const limit = config.feeds.summaryLength;
  const summaryHtml =
    post.summaryMarkdown === undefined
      ? summarizeHtml(bodyHtml, limit, post.lang)
      : summarizeHtml(sanitizeHtml(markdownToHtml(post.summaryMarkdown), post.url), limit * AUTHORED_SUMMARY_FACTOR, post.lang);
  return { bodyHtml, summaryHtml, wordCount: countWords(htmlToText(bodyHtml)) };
}

/**
 * Words as runs of letters and digits. Both English and Arabic separate words
 * with spaces, so this matches Intl.Segmenter's count closely at a fraction of its cost.
 */
function countWords(text: string): number {
  return text.match(/[\p{L}\p{N}][\p{L}\p{N}\p{M}'’-]*/gu)?.length ?? 0;
}

/** Minutes to read at about 200 words a minute (a common newsroom figure), at least one. */
export function readingMinutes(wordCount: number): number {
  return Math.max(1, Math.round(wordCount / 200));
}
