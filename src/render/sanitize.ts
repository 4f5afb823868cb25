import sanitize from 'sanitize-html';
import { stripForbiddenCharacters } from '../text.js';

const RASTER_DATA_IMAGE = /^data:image\/(png|jpeg|gif|webp|avif);base64,[a-z0-9+/=\s]+$/i;

/**
 * The allow-list of what an article may contain once in a feed. Anything not
 * listed (script, style, iframe, object, embed, form, meta, base, link, svg,
 * math, event handlers, style attributes) is dropped; the text of script and
 * style elements goes with them.
 */
function options(pageUrl: string): sanitize.IOptions {
  return {
    allowedTags: [
      'p', 'br', 'hr', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'ul', 'ol', 'li', 'dl', 'dt', 'dd',
      'a', 'strong', 'b', 'em', 'i', 'u', 's', 'del', 'ins', 'code', 'pre', 'kbd', 'samp', 'sub', 'sup', 'mark',
      'small', 'abbr', 'cite', 'q', 'bdi', 'bdo', 'img', 'figure', 'figcaption', 'table', 'thead', 'tbody',
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
    nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'iframe', 'object', 'embed', 'template', 'svg', 'math', 'title', 'head'],
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

/**
 * Sanitises article HTML and makes every link, image and citation URL absolute,
 * resolved as a browser would on the article page (`pageUrl`), so that a feed
 * reader or partner page never shows a broken relative link.
 */
export function sanitizeHtml(html: string, pageUrl: string): string {
  // Character references such as &#1; decode to characters no XML document may hold.
  return stripForbiddenCharacters(sanitize(html, options(pageUrl))).replaceAll(']]>', ']]&gt;');
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
