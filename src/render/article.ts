import type { Limits, SiteConfig } from '../config.js';
import { message, type Message } from '../i18n/message.js';
import { markdownToHtml } from './markdown.js';
import { flattenNesting } from './nesting.js';
import { sanitizeHtml, type SanitizedHtml } from './sanitize.js';
import { plainOpeningHtml, summarizeHtmlReporting } from './summary.js';

/** An author's own summary may run longer than a derived one, but not without limit. */
const AUTHORED_SUMMARY_FACTOR = 3;
/** Markdown characters of the body's opening rendered for a derived summary: ample for any cut. */
const OPENING_FACTOR = 4;
/**
 * Elements the deepest kept Markdown level may still hold: its paragraph and
 * inline markup (a link in emphasis in strong text, code…).
 */
const INLINE_HEADROOM = 10;

/** HTML with what an editor should hear about it (for the field it came from). */
export interface Rendered {
  readonly html: string;
  readonly warnings: readonly Message[];
}

/**
 * How deep HTML elements may nest: as deep as Markdown nested to
 * `limits.nestingDepth` renders, a list level being two elements
 * (`<ul><li>`), so that only raw HTML is ever cut by it.
 */
export function elementDepthLimit(limits: Limits): number {
  return 2 * limits.nestingDepth + INLINE_HEADROOM;
}

/** The full body as safe HTML with URLs made absolute against the article's `pageUrl`. Pure, so results can be cached by content hash. */
export function renderBody(pageUrl: string, bodyMarkdown: string, limits: Limits): Rendered {
  const { html, flattened } = renderSafely(bodyMarkdown, pageUrl, limits);
  return { html, warnings: flattened ? [deepHtmlWarning(limits)] : [] };
}

/** Markdown to safe HTML, nested no deeper than the limits allow: Markdown first (so the parser's stack holds), then the HTML. */
function renderSafely(markdown: string, pageUrl: string, limits: Limits): SanitizedHtml {
  return sanitizeHtml(markdownToHtml(flattenNesting(markdown, limits.nestingDepth).markdown), pageUrl, elementDepthLimit(limits));
}

function deepHtmlWarning(limits: Limits): Message {
  const depth = message('diagnostics.count.levels', { count: elementDepthLimit(limits) });
  return message('diagnostics.render.deepHtml', { depth, nesting: limits.nestingDepth, headroom: INLINE_HEADROOM });
}

/** What a summary is made from. */
export interface SummarySource {
  /** The author's own summary, when there is one. */
  readonly summaryMarkdown?: string;
  readonly bodyMarkdown: string;
  /** The article URL, against which relative links are resolved. */
  readonly url: string;
  readonly lang: string;
}

/**
 * The HTML summary: the `summary` field, else the opening of the body. Only
 * the opening blocks of the Markdown are rendered, so summarising a post of
 * any length costs about the same (archives summarise every post); an
 * author's summary is bounded the same way, as its Markdown may be as costly
 * to parse as any body. Warnings are about the author's `summary` field: a
 * derived summary is cut by design, and its body is warned about when rendered.
 */
export function renderSummary(source: SummarySource, config: { readonly feeds: Pick<SiteConfig['feeds'], 'summaryLength'>; readonly limits: SiteConfig['limits'] }): Rendered {
  const limit = config.feeds.summaryLength;
  if (source.summaryMarkdown === undefined) {
    const opening = openingBlocks(source.bodyMarkdown, limit * OPENING_FACTOR);
    const plain = plainOpeningHtml(opening);
    if (plain) {
      // Cut within plain opening paragraphs, the summary is what they alone give (see `plainOpeningHtml`).
      const summary = summarizeHtmlReporting(plain.html, limit, source.lang);
      if (plain.complete || summary.truncated) return { html: summary.html, warnings: [] };
    }
    const { html } = renderSafely(opening, source.url, config.limits);
    return { html: summarizeHtmlReporting(html, limit, source.lang).html, warnings: [] };
  }
  const shown = limit * AUTHORED_SUMMARY_FACTOR;
  const opening = openingBlocks(source.summaryMarkdown, shown * OPENING_FACTOR);
  // An author's summary is warned about as a whole (how deep it nests), so only a wholly plain one skips rendering.
  const plain = plainOpeningHtml(opening);
  const { html, flattened } = plain?.complete ? { html: plain.html, flattened: false } : renderSafely(opening, source.url, config.limits);
  const summary = summarizeHtmlReporting(html, shown, source.lang);
  const warnings = [
    ...(summary.truncated ? [message('diagnostics.render.summaryCut', { shown: message('diagnostics.count.characters', { count: shown }), factor: AUTHORED_SUMMARY_FACTOR })] : []),
    ...(flattened ? [deepHtmlWarning(config.limits)] : []),
  ];
  return { html: summary.html, warnings };
}

/**
 * The leading Markdown blocks (separated by blank lines) holding at least
 * `chars` characters. Link reference definitions are kept wherever they are,
 * so a shortened text still resolves `[text][ref]` links.
 */
export function openingBlocks(markdown: string, chars: number): string {
  const blocks = markdown.split(/\n[ \t]*\n/);
  const references = blocks.filter((block) => /^ {0,3}\[[^\]]+\]:\s*\S/.test(block));
  const opening: string[] = [];
  let length = 0;
  for (const block of blocks) {
    if (length >= chars) break;
    opening.push(startOf(block, chars * 2));
    if (!/^ {0,3}(#|!\[|```|~~~|\|)/.test(block)) length += block.length;
  }
  const fences = opening.join('\n').match(/^ {0,3}(```|~~~)/gm)?.length ?? 0;
  if (fences % 2 === 1) opening.pop(); // never end inside a code block
  return [...opening, ...references.filter((block) => !opening.includes(block))].join('\n\n');
}

/**
 * A block cut to about `chars` characters at a space: one huge paragraph
 * would cost as much to render as the whole body, and its start is all a
 * summary shows. Never cut between the halves of a surrogate pair.
 */
function startOf(block: string, chars: number): string {
  if (block.length <= chars) return block;
  const space = block.lastIndexOf(' ', chars);
  const end = space > chars / 2 ? space : chars;
  return block.slice(0, /[\uD800-\uDBFF]/.test(block[end - 1] ?? '') ? end - 1 : end);
}

/**
 * Words as runs of letters and digits. Both English and Arabic separate words
 * with spaces, so this matches Intl.Segmenter's count closely at a fraction of
 * its cost; counted on the Markdown, so no rendering is needed.
 */
export function countWords(markdown: string): number {
  // A link target or tag never spans another `(` or `<`: a text of thousands of unclosed `<` is read once, not once per `<`.
  const text = markdown.replace(/\]\([^()]*\)|<[^<>]*>/g, ' ');
  // What /[\p{L}\p{N}][\p{L}\p{N}\p{M}'’-]*/gu would match, counted without making a string of each word.
  let words = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    let code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        code = text.codePointAt(i) ?? code;
        i++;
      }
    }
    const kind = wordCharacterKind(code);
    if (inWord && kind !== NOT_IN_WORD) continue;
    inWord = kind === STARTS_WORD;
    if (inWord) words++;
  }
  return words;
}

const NOT_IN_WORD = 0;
/** A letter or a number: a word starts with one. */
const STARTS_WORD = 1;
/** A combining mark, an apostrophe or a hyphen: part of a word already begun. */
const CONTINUES_WORD = 2;
const STARTS = /[\p{L}\p{N}]/u;
const CONTINUES = /[\p{M}'’-]/u;
/** The kind of each character of the Basic Multilingual Plane, filled on first use. */
let bmpKinds: Uint8Array | undefined;

function wordCharacterKind(code: number): number {
  if (code > 0xffff) return classify(String.fromCodePoint(code));
  if (!bmpKinds) {
    bmpKinds = new Uint8Array(0x10000);
    for (let c = 0; c < 0x10000; c++) bmpKinds[c] = classify(String.fromCharCode(c));
  }
  return bmpKinds[code] ?? NOT_IN_WORD;
}

function classify(character: string): number {
  return STARTS.test(character) ? STARTS_WORD : CONTINUES.test(character) ? CONTINUES_WORD : NOT_IN_WORD;
}

/** Minutes to read at about 200 words a minute (a common newsroom figure), at least one. */
export function readingMinutes(wordCount: number): number {
  return Math.max(1, Math.round(wordCount / 200));
}
