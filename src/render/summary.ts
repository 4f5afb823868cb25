import { Parser } from 'htmlparser2';
import { escapeHtml } from '../text.js';
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
