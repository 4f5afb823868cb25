import sanitize from 'sanitize-html';
import { stripForbiddenCharacters } from '../text.js';

/** Elements dropped together with their content. */
const NON_TEXT_TAGS: ReadonlySet<string> = new Set(['script', 'style', 'textarea', 'option', 'noscript', 'iframe', 'object', 'embed', 'template', 'svg', 'math', 'title', 'head']);

const RASTER_DATA_IMAGE = /^data:image\/(png|jpeg|gif|webp|avif);base64,[a-z0-9+/=\s]+$/i;

/**
 * The allow-list of what an article may contain once in a feed. Anything not
 * listed (script, style, iframe, object, embed, form, meta, base, link, svg,
 * math, event handlers, style attributes) is dropped; the text of script and
 * style elements goes with them.
 */
function options(pageUrl: string, maxDepth: number): sanitize.IOptions {
  return {
    // Elements deeper than this are unwrapped, their text kept: thousands of nested elements
    // reach every reader, and some (jsdom's serialiser at about 50,000) run out of stack on them.
    nestingLimit: maxDepth,
    allowedTags: [
      'p', 'br', 'hr', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'ul', 'ol', 'li', 'dl', 'dt', 'dd',
      'a', 'strong', 'b', 'em', 'i', 'u', 's', 'del', 'ins', 'code', 'pre', 'kbd', 'samp', 'sub', 'sup', 'mark',
      'small', 'abbr', 'cite', 'q', 'bdi', 'img', 'figure', 'figcaption', 'table', 'thead', 'tbody',
      'tfoot', 'tr', 'th', 'td', 'caption', 'div', 'span', 'section',
    ],
    allowedAttributes: {
      '*': ['lang', 'dir', 'title'],
      a: ['href', 'hreflang', 'rel'],
      img: ['src', 'alt', 'width', 'height'],
      th: ['align', 'colspan', 'rowspan', 'scope'],
      td: ['align', 'colspan', 'rowspan'],
      ol: ['start', 'reversed'],
      code: ['class'],
      q: ['cite'],
      blockquote: ['cite'],
      abbr: ['title'],
    },
    allowedClasses: { code: [/^language-[a-z0-9+#-]+$/] },
    allowedSchemes: ['http', 'https', 'mailto', 'tel'],
    allowedSchemesByTag: { img: ['http', 'https', 'data'] },
    allowedSchemesAppliedToAttributes: ['href', 'src', 'cite'],
    allowProtocolRelative: false,
    disallowedTagsMode: 'discard',
    nonTextTags: [...NON_TEXT_TAGS],
    transformTags: {
      a: (tagName, attribs) => ({ tagName, attribs: withAbsoluteUrl(attribs, 'href', pageUrl) }),
      img: (tagName, attribs) => {
        const resolved = withAbsoluteUrl(attribs, 'src', pageUrl);
        const src = resolved.src;
        const unsafeData = src !== undefined && src.startsWith('data:') && !RASTER_DATA_IMAGE.test(src);
        return { tagName, attribs: unsafeData ? without(resolved, 'src') : resolved };
      },
      q: (tagName, attribs) => ({ tagName, attribs: withAbsoluteUrl(attribs, 'cite', pageUrl) }),
      blockquote: (tagName, attribs) => ({ tagName, attribs: withAbsoluteUrl(attribs, 'cite', pageUrl) }),
    },
    exclusiveFilter: (frame) => frame.tag === 'img' && !frame.attribs.src,
  };
}

export interface SanitizedHtml {
  readonly html: string;
  /** Whether elements nested deeper than the limit were unwrapped. */
  readonly flattened: boolean;
}

/**
 * Sanitises article HTML and makes every link, image and citation URL absolute,
 * resolved as a browser would on the article page (`pageUrl`), so that a feed
 * reader or partner page never shows a broken relative link. Elements nested
 * more than `maxDepth` deep are unwrapped (their text kept, every element
 * opened is closed).
 */
export function sanitizeHtml(html: string, pageUrl: string, maxDepth: number): SanitizedHtml {
  const depth = depthGauge();
  const sanitized = sanitize(html, { ...options(pageUrl, maxDepth), onOpenTag: depth.open, onCloseTag: depth.close });
  // Character references such as &#1; decode to characters no XML document may hold.
  return { html: stripForbiddenCharacters(sanitized).replaceAll(']]>', ']]&gt;'), flattened: depth.deepest() > maxDepth };
}

/**
 * How deep the elements sanitize-html counts against its `nestingLimit` go:
 * every element but those inside a dropped non-text element (an `svg`'s
 * children are dropped with it, and are not counted).
 */
function depthGauge(): { open: (name: string) => void; close: () => void; deepest: () => number } {
  let depth = 0;
  let deepest = 0;
  let insideDropped = 0;
  return {
    open(name) {
      if (insideDropped > 0 || NON_TEXT_TAGS.has(name)) {
        insideDropped++;
        return;
      }
      depth++;
      deepest = Math.max(deepest, depth);
    },
    close() {
      if (insideDropped > 0) insideDropped--;
      else depth--;
    },
    deepest: () => deepest,
  };
}

function withAbsoluteUrl(attribs: sanitize.Attributes, name: string, pageUrl: string): sanitize.Attributes {
  const value = attribs[name];
  if (value === undefined) return attribs;
  const others = without(attribs, name);
  const absolute = absoluteWebUrl(value.trim(), pageUrl);
  // A URL that does not resolve to a web, mail or phone address is dropped; the text stays.
  return absolute === undefined ? others : { ...others, [name]: absolute };
}

function absoluteWebUrl(value: string, pageUrl: string): string | undefined {
  const looksLikeScheme = /^[a-z][a-z0-9+.-]*:/i.test(value.replace(/[\s\u0000-\u001f]/g, ''));
  if (looksLikeScheme && !/^(https?|mailto|tel|data):/i.test(value)) return undefined;
  if (!URL.canParse(value, pageUrl)) return undefined;
  return new URL(value, pageUrl).href;
}

function without(attribs: sanitize.Attributes, name: string): sanitize.Attributes {
  return Object.fromEntries(Object.entries(attribs).filter(([key]) => key !== name));
}
