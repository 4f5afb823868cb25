import { Parser } from 'htmlparser2';
import { escapeHtml, indexOfForbiddenCharacter } from '../text.js';
import { plainText } from './plainText.js';

/** Elements whose content is not prose: never part of a summary. */
const SKIPPED = new Set(['img', 'figure', 'table', 'pre', 'hr', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'nav', 'aside', 'section', 'script', 'style']);
/** Elements whose edges separate words; inline elements (strong, a, em…) do not. */
const BLOCK = new Set(['p', 'div', 'li', 'ul', 'ol', 'dl', 'dt', 'dd', 'blockquote', 'figcaption', 'section', 'tr', 'td', 'th', 'caption']);
const VOID = new Set(['br', 'hr', 'img', 'wbr', 'area', 'base', 'col', 'embed', 'input', 'link', 'meta', 'source', 'track']);
const ELLIPSIS = '…';

/**
 * The opening of sanitised article HTML, at most `maxChars` characters of
 * visible text, cut at a word boundary found by `Intl.Segmenter` for `lang`,
 * never inside a tag or an entity, with open tags closed and an ellipsis.
 * Headings, images, tables and code blocks are left out: they are not prose.
 */
export function summarizeHtml(html: string, maxChars: number, lang: string): string {
  return summarizeHtmlReporting(html, maxChars, lang).html;
}

/** `summarizeHtml`, saying whether the text was cut. */
export function summarizeHtmlReporting(html: string, maxChars: number, lang: string): { html: string; truncated: boolean } {
  const out: string[] = [];
  const open: string[] = [];
  let skipDepth = 0;
  let remaining = maxChars;
  let truncated = false;
  let lastWasSpace = true;

  const parser = new Parser(
    {
      onopentag(name, attribs) {
        if (truncated) return;
        if (skipDepth > 0 || SKIPPED.has(name)) {
          if (!VOID.has(name)) skipDepth++;
          return;
        }
        out.push(`<${name}${Object.entries(attribs).map(([key, value]) => ` ${key}="${escapeHtml(value)}"`).join('')}>`);
        if (!VOID.has(name)) open.push(name);
        else if (name === 'br' && !lastWasSpace) {
          remaining--;
          lastWasSpace = true;
        }
      },
      ontext(raw) {
        if (truncated || skipDepth > 0) return;
        const text = raw.replace(/\s+/g, ' ');
        const visible = lastWasSpace ? text.replace(/^ /, '') : text;
        if (visible.length === 0) return;
        if (visible.length <= remaining) {
          out.push(escapeHtml(visible));
          remaining -= visible.length;
          lastWasSpace = visible.endsWith(' ');
          return;
        }
        out.push(escapeHtml(cutAtWordBoundary(visible, remaining, lang)));
        truncated = true;
      },
      onclosetag(name) {
        if (truncated || VOID.has(name)) return;
        if (skipDepth > 0) {
          skipDepth--;
          return;
        }
        if (open[open.length - 1] === name) {
          open.pop();
          out.push(`</${name}>`);
          // A block boundary reads as a space between words.
          if (BLOCK.has(name) && !lastWasSpace) {
            remaining--;
            lastWasSpace = true;
          }
        }
      },
    },
    { decodeEntities: true, lowerCaseTags: true },
  );
  parser.write(html);
  parser.end();

  if (truncated) out.push(ELLIPSIS);
  while (open.length > 0) out.push(`</${open.pop()}>`);
  return { html: out.join('').replace(/(<p>\s*<\/p>)+$/g, '').trim(), truncated };
}

/**
 * The longest prefix of `text` of at most `maxChars` characters that ends at
 * the end of a word, without trailing spaces or punctuation. A word longer
 * than the room left is dropped whole rather than broken.
 */
export function cutAtWordBoundary(text: string, maxChars: number, lang: string): string {
  let end = 0;
  // Only the text up to the limit (plus the word straddling it) needs segmenting.
  for (const { segment, index, isWordLike } of wordSegmenter(lang).segment(text.slice(0, maxChars + 64))) {
    const segmentEnd = index + segment.length;
    if (segmentEnd > maxChars) break;
    if (isWordLike) end = segmentEnd;
  }
  return text.slice(0, end);
}

const segmenters = new Map<string, Intl.Segmenter>();

function wordSegmenter(lang: string): Intl.Segmenter {
  let segmenter = segmenters.get(lang);
  if (!segmenter) {
    segmenter = new Intl.Segmenter(lang, { granularity: 'word' });
    segmenters.set(lang, segmenter);
  }
  return segmenter;
}

/**
 * Visible text of HTML as plain text (see `plainText`): the JSON Feed and
 * related-list `summary`, which partners paste into pages as HTML.
 */
export function htmlToText(html: string): string {
  return plainText(html);
}

/**
 * Characters after which Markdown may read a text otherwise than as plain
 * words: markup, escapes, entities, HTML, links and autolinks, tabs and white
 * space other than the space.
 */
const MARKDOWN_SYNTAX = /[\\`*_~[\]!<>&|#@\t\n\v\f\r\u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000\uFEFF]|:\/\/|www\./i;
/** How a line opens a list, a rule or a setext underline rather than a paragraph. */
const BLOCK_OPENER = /^(?:[-+=]|\d{1,9}[.)])/;
const HEADING = /^(#{1,6}) (.*)$/;

/**
 * Strong emphasis that Markdown cannot read otherwise: `**` after the start or
 * a space, words without other syntax that begin and end with a letter or a
 * digit, and `**` before the end, a space or a closing punctuation mark.
 */
const STRONG = /(^| )\*\*([\p{L}\p{N}](?:[^*_~`\\[\]!<>&|#@]*[\p{L}\p{N}])?)\*\*(?=$|[ .,;:?)،؛؟])/gu;

/**
 * The HTML that the leading blocks of `markdown` (split at blank lines) render
 * to, sanitised, when they are one-line paragraphs, headings and tight `- `
 * lists of plain words (with strong emphasis, see STRONG): what `marked` and
 * the sanitiser give for them, byte for byte, without running either.
 * `complete` says whether that is all of `markdown`. The blocks after them
 * cannot change how they render (none can hold a reference to a link defined
 * later, and a list is only taken when what follows cannot continue it), so
 * when a summary is cut within them, the rest need not be rendered at all.
 * Most summaries, written or derived, open with such blocks, and rendering
 * costs more than the rest of loading a post. Undefined when the first block
 * is anything else.
 */
export function plainOpeningHtml(markdown: string): { html: string; complete: boolean } | undefined {
  if (indexOfForbiddenCharacter(markdown) >= 0) return undefined;
  // Blank lines before the first block render to nothing (a body often starts with one, after the front matter).
  const blocks = markdown.replace(/^\n+/, '').split(/\n[ \t]*\n/);
  let html = '';
  let count = 0;
  for (const block of blocks) {
    const blockHtml = plainBlockHtml(block, blocks[count + 1]);
    if (blockHtml === undefined) break;
    html += blockHtml;
    count++;
  }
  return count === 0 ? undefined : { html, complete: count === blocks.length };
}

/** A heading, a tight list or a paragraph of plain words, as HTML; `next` is the block after it. */
function plainBlockHtml(block: string, next: string | undefined): string | undefined {
  const heading = HEADING.exec(block);
  if (heading) {
    const level = heading[1]?.length ?? 1;
    const text = heading[2] ?? '';
    return isPlainLine(text) ? `<h${level}>${text}</h${level}>\n` : undefined;
  }
  if (block.startsWith('- ')) {
    // An indented block or another list item after the blank line would make the list loose, or continue an item.
    if (next !== undefined && !/^[^\s*+\-\d]/.test(next)) return undefined;
    const items = block.split('\n').map((line) => (line.startsWith('- ') ? plainInlineHtml(line.slice(2)) : undefined));
    if (items.some((item) => item === undefined)) return undefined;
    return `<ul>\n${items.map((item) => `<li>${item ?? ''}</li>\n`).join('')}</ul>\n`;
  }
  const inline = plainInlineHtml(block);
  return inline === undefined ? undefined : `<p>${inline}</p>\n`;
}

/** One line of plain words and strong emphasis that opens no block of its own, as HTML. */
function plainInlineHtml(text: string): string | undefined {
  if (BLOCK_OPENER.test(text) || !isPlainLine(text.replace(STRONG, '$1$2'))) return undefined;
  return text.replace(STRONG, '$1<strong>$2</strong>');
}

/** Words on one line, starting and ending with a visible character, in which Markdown sees no syntax. */
function isPlainLine(text: string): boolean {
  return text.length > 0 && text.trim() === text && !MARKDOWN_SYNTAX.test(text);
}
