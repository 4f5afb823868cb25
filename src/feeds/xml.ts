import { stripForbiddenCharacters } from '../text.js';

/**
 * The one escaping function of the XML feeds. Every value nashra writes into
 * RSS or Atom passes through here (or through `cdata`, for HTML that readers
 * expect in a CDATA section), so no title, name or URL can end an element,
 * open one, or carry a character XML 1.0 forbids.
 * Text escapes `<`, `&` and `>`, and writes line ends as the `\n` a parser
 * reads them as; an attribute value also escapes `"` and the white space
 * that attribute-value normalisation would otherwise turn into spaces.
 */
export function escapeXml(value: string, context: 'text' | 'attribute' = 'text'): string {
  const clean = stripForbiddenCharacters(value);
  if (context === 'attribute') return clean.replace(ATTRIBUTE_SPECIALS, entityOf);
  return clean.replace(TEXT_SPECIALS, entityOf).replace(LINE_END, '\n');
}

const entityOf = (character: string): string => ENTITIES[character] ?? '';
const LINE_END = /\r\n?/g;
const TEXT_SPECIALS = /[<&>]/g;
const ATTRIBUTE_SPECIALS = /[<>&"\t\n\r]/g;
const ENTITIES: Readonly<Record<string, string>> = { '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', '\t': '&#9;', '\n': '&#10;', '\r': '&#13;' };

/**
 * HTML as the content of a CDATA section: a `]]>` inside would end it early,
 * so it is written `]]&gt;` (which HTML reads the same); line ends are
 * normalised as an XML parser would.
 */
export function cdataContent(html: string): string {
  return stripForbiddenCharacters(html).replace(/\r\n?/g, '\n').replaceAll(']]>', ']]&gt;');
}

export type Attributes = Readonly<Record<string, string | undefined>>;

/** An element on its own line at `depth` (four spaces a level, as `feed` indents): empty, with text, or with child lines. */
export function xmlElement(depth: number, name: string, attributes: Attributes, content?: string | readonly string[]): string {
  const open = `\n${INDENT.repeat(depth)}<${name}${xmlAttributes(attributes)}`;
  if (content === undefined) return `${open}/>`;
  if (typeof content === 'string') return `${open}>${escapeXml(content)}</${name}>`;
  return `${open}>${content.join('')}\n${INDENT.repeat(depth)}</${name}>`;
}

/** ` name="value"` for each defined attribute, in the order given. */
export function xmlAttributes(attributes: Attributes): string {
  let written = '';
  for (const [name, value] of Object.entries(attributes)) if (value !== undefined) written += ` ${name}="${escapeXml(value, 'attribute')}"`;
  return written;
}

const INDENT = '    ';
