/**
 * Reading HTML "as a browser would": what in a string, parsed as an HTML
 * document, a browser would run, fetch as script, submit, or restyle the page
 * with. Shared by the XSS suite and the hostile corpus.
 */
import { JSDOM, VirtualConsole } from 'jsdom';

/** Relative URLs are resolved against some http(s) page; which one does not change their scheme. */
const BASE = 'https://rights.example.org/';

/** Elements that run script, load or embed other documents, submit data, restyle or redirect the page. */
const DANGEROUS_ELEMENTS = new Set([
  'script', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'form', 'input', 'button', 'textarea', 'select',
  'meta', 'base', 'style', 'link', 'svg', 'math', 'template', 'noscript', 'portal',
]);
/** Attributes a browser follows or fetches as URLs. */
const URL_ATTRIBUTES = new Set(['href', 'src', 'action', 'formaction', 'xlink:href', 'cite', 'poster', 'background', 'data', 'lowsrc', 'dynsrc', 'longdesc', 'ping', 'manifest', 'codebase']);
const SCRIPT_SCHEMES = ['javascript:', 'vbscript:', 'data:'];
/** The only data: URLs allowed: raster images as an img's source. */
const RASTER_DATA_IMAGE = /^data:image\/(png|jpeg|gif|webp|avif)[;,]/;

/** The URL as a browser would use it, reduced so that no spelling hides its scheme. */
export function normalisedUrls(value: string): string[] {
  const squash = (text: string) => text.replace(/[\u0000-\u0020\u007f-\u009f\u00a0\u2028\u2029\ufeff]/g, '').toLowerCase();
  const forms = [squash(value)];
  if (URL.canParse(value, BASE)) forms.push(squash(new URL(value, BASE).href));
  return forms;
}

export function isScriptUrl(value: string, element: string, attribute: string): boolean {
  return normalisedUrls(value).some(
    (url) => SCRIPT_SCHEMES.some((scheme) => url.startsWith(scheme)) && !(element === 'img' && attribute === 'src' && RASTER_DATA_IMAGE.test(url)),
  );
}

/** Closes a parsed page; jsdom's close() recurses, and a page nested a few thousand elements deep is left to the garbage collector. */
export function closeWindow(dom: JSDOM): void {
  try {
    dom.window.close();
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
  }
}

export function parseHtml(html: string): JSDOM {
  // A silent virtual console: jsdom's CSS and resource complaints are not findings.
  return new JSDOM(html, { virtualConsole: new VirtualConsole() });
}

/** Everything in `html` that a browser would run, fetch as script, submit, or restyle the page with. */
export function browserHazards(html: string): string[] {
  const dom = parseHtml(html);
  const hazards: string[] = [];
  for (const element of elementsOf(dom.window.document)) {
    const name = element.localName.toLowerCase();
    if (DANGEROUS_ELEMENTS.has(name)) hazards.push(`<${name}> element`);
    for (const attribute of element.attributes) {
      const attr = attribute.name.toLowerCase();
      if (attr.startsWith('on')) hazards.push(`${attr}="${attribute.value}" on <${name}>`);
      if (attr === 'style') hazards.push(`style="${attribute.value}" on <${name}>`);
      if (attr === 'srcdoc') hazards.push(`srcdoc on <${name}>`);
      if (URL_ATTRIBUTES.has(attr) && isScriptUrl(attribute.value, name, attr)) hazards.push(`${attr}="${attribute.value}" on <${name}>`);
      if (attr === 'srcset') {
        for (const candidate of attribute.value.split(',')) {
          const url = candidate.trim().split(/\s+/)[0] ?? '';
          if (isScriptUrl(url, name, 'srcset')) hazards.push(`srcset candidate "${url}" on <${name}>`);
        }
      }
    }
  }
  closeWindow(dom);
  return hazards;
}

/**
 * Every element of a document in document order, walked without recursion:
 * jsdom's querySelectorAll('*') recurses and overflows the stack on a few
 * thousand nested elements, which a browser parses without complaint.
 */
export function* elementsOf(document: Document): Generator<Element> {
  let element: Element | null = document.documentElement;
  while (element) {
    yield element;
    let next: Element | null = element.firstElementChild;
    while (!next && element) {
      next = element.nextElementSibling;
      if (!next) element = element.parentElement;
    }
    element = next;
  }
}
