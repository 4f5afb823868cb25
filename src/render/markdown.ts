import { Marked } from 'marked';

/** One configured instance, so that no other code can change how posts render. */
const markdown = new Marked({ gfm: true, breaks: false, async: false });

/** Markdown (GitHub flavoured) to unsanitised HTML. Never trust the result before `sanitizeHtml`. */
export function markdownToHtml(source: string): string {
  return markdown.parse(source, { async: false });
}

/** Inline Markdown (a title or a one-line summary) to unsanitised HTML without a wrapping paragraph. */
export function inlineMarkdownToHtml(source: string): string {
  return markdown.parseInline(source, { async: false });
}
