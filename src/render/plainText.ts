import { Parser } from 'htmlparser2';

/** Elements whose content is code, not text: it goes with the tags (as in WordPress's `wp_strip_all_tags`). */
const CODE_ELEMENTS = new Set(['script', 'style', 'template']);
/** Elements whose edges separate words; inline elements (strong, a, em…) do not. */
const WORD_BREAKING = new Set([
  'address', 'article', 'aside', 'blockquote', 'br', 'caption', 'dd', 'div', 'dl', 'dt', 'figcaption', 'figure', 'footer', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6',
  'header', 'hr', 'li', 'nav', 'ol', 'p', 'pre', 'section', 'table', 'td', 'th', 'tr', 'ul',
]);
/** What a browser would read as the start of a tag, a comment or a declaration. */
const TAG_START = /<(?=[a-z!/?])/i;
const TAG_STARTS = /<(?=[a-z!/?])/gi;
/** HTML's own whitespace only: a no-break space or a bidi mark is the author's choice and stays. */
const HTML_WHITESPACE = /[ \t\n\f\r]+/g;
/** Enough for any text a person writes; what is still tag-like after that loses its `<`. */
const MAX_PASSES = 4;

/**
 * Plain text from what an editor typed into a text field (a title, a name, a
 * tag, an alt text) or from rendered HTML (a summary), as WordPress makes feed
 * titles: tags are removed (with the content of script and style), character
 * references are decoded once, whitespace is collapsed. What still reads as a
 * tag once decoded (`&lt;script&gt;` becomes `<script>`) is removed too, so
 * the result holds no markup even for a partner page that inserts it as HTML.
 * A lone `<` followed by a space (`3 < 4`) is text and stays; a tag left
 * open at the end loses its `<` and keeps its words.
 */
export function plainText(input: string): string {
  let text = textOfHtml(withoutUnclosedTag(input));
  for (let pass = 1; pass < MAX_PASSES && TAG_START.test(text); pass++) text = textOfHtml(withoutUnclosedTag(text));
  return text.replace(TAG_STARTS, '').replace(HTML_WHITESPACE, ' ').trim();
}

/**
 * A tag left open at the end (`Title <img src=x`, `and <![CDATA[ more`) would
 * swallow whatever a page puts after it, and a parser drops the words in it:
 * losing its `<` keeps the words and makes it harmless.
 */
function withoutUnclosedTag(text: string): string {
  const afterLastClose = text.lastIndexOf('>') + 1;
  const at = text.slice(afterLastClose).search(TAG_START);
  return at < 0 ? text : text.slice(0, afterLastClose + at) + text.slice(afterLastClose + at + 1);
}

/** The text of `html`, as a browser would show it, entities decoded; a word-breaking element's edges become spaces. */
function textOfHtml(html: string): string {
  if (!/[<&]/.test(html)) return html;
  const parts: string[] = [];
  let codeDepth = 0;
  const edge = (name: string) => {
    if (CODE_ELEMENTS.has(name)) return;
    if (WORD_BREAKING.has(name)) parts.push(' ');
  };
  const parser = new Parser(
    {
      onopentag(name) {
        edge(name);
        if (CODE_ELEMENTS.has(name)) codeDepth++;
      },
      onclosetag(name) {
        if (CODE_ELEMENTS.has(name)) codeDepth = Math.max(0, codeDepth - 1);
        edge(name);
      },
      ontext(text) {
        if (codeDepth === 0) parts.push(text);
      },
    },
    { decodeEntities: true, lowerCaseTags: true },
  );
  parser.write(html);
  parser.end();
  return parts.join('');
}
