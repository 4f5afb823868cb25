import { cdataContent, escapeXml } from './xml.js';

/**
 * Values handed to `feed` as markers, written by us into its output.
 *
 * `feed` writes text through xml-js, which un-escapes `&amp;` before escaping
 * (so a title saying `&amp;` would lose its meaning), writes titles as CDATA
 * HTML, and leaves `<` and `&` raw in attributes. So every value that comes
 * from a post or the config goes to `feed` as a marker (`U+FFFF n U+FFFF`, a
 * noncharacter XML forbids, which `escapeXml` strips from every value), and
 * `fill` replaces the element `feed` wrote around each marker with the
 * element as it should be. `feed`'s output is then free of outside data until
 * `fill`, so its structure (the first `<item>`, each `</entry>`) can be found
 * by plain string search: those are the known points the adapter patches.
 */
export class Slots {
  private readonly slots: Slot[] = [];

  /** The element around the marker gets `value` as escaped text; `attributes` (already written) replace its own, `after` follows it. */
  text(value: string, options: { readonly attributes?: string; readonly after?: string } = {}): string {
    return this.add({ content: escapeXml(value), ...options });
  }

  /** The element around the marker gets `html` as a CDATA section. */
  cdata(html: string): string {
    return this.add({ content: `<![CDATA[${cdataContent(html)}]]>` });
  }

  /**
   * `feed`'s output with each marked element rewritten, as the parts of the
   * whole in order: the values (full texts, hundreds of kilobytes in a feed)
   * are never copied into one string. Every marker must be found exactly once.
   */
  fill(template: string): string[] {
    const parts: string[] = [];
    let filled = 0;
    let done = 0;
    for (const match of template.matchAll(MARKED_ELEMENT)) {
      const [element, name = '', attributes = '', index = ''] = match;
      const slot = this.slots[Number(index)];
      if (!slot) throw new Error(`feed output has an unknown marker ${index}`);
      filled++;
      parts.push(template.slice(done, match.index), `<${name}${slot.attributes ?? attributes}>`, slot.content, `</${name}>${slot.after ?? ''}`);
      done = match.index + element.length;
    }
    parts.push(template.slice(done));
    if (filled !== this.slots.length) throw new Error(`feed output kept ${filled} of ${this.slots.length} marked values`);
    return parts;
  }

  private add(slot: Slot): string {
    this.slots.push(slot);
    return `${MARK}${this.slots.length - 1}${MARK}`;
  }
}

interface Slot {
  readonly content: string;
  readonly attributes?: string;
  readonly after?: string;
}

const MARK = '\uFFFF';

/** An element whose whole content is a marker, as text or as a CDATA section. */
const MARKED_ELEMENT = /<([\w:]+)([^<>]*)>(?:<!\[CDATA\[)?\uFFFF(\d+)\uFFFF(?:\]\]>)?<\/\1>/g;
