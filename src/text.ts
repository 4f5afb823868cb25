import { closest, distance } from 'fastest-levenshtein';

/**
 * Characters that XML 1.0 forbids (C0 controls other than tab, LF and CR,
 * lone surrogates, U+FFFE and U+FFFF) plus C1 controls and DEL, which are
 * legal but never intended in an article and break some readers; and the
 * bidi embeddings and overrides (U+202A-U+202E), which make text display in
 * another order than it reads (`Invoice \u202Efdp.exe` shows as
 * `Invoice exe.pdf`). Marks (LRM, RLM, ALM) and isolates, which Arabic text
 * needs, are not among them.
 */
const FORBIDDEN_CHARACTERS =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const BIDI_OVERRIDES = /[\u202A-\u202E]/;

/**
 * Whether `text` may hold a forbidden character: false proves it holds none.
 * A plain character class, several times faster than FORBIDDEN_CHARACTERS
 * (whose surrogate look-arounds slow every position), and almost every text
 * of an archive has none; any surrogate sends the text on to the full regex,
 * which tells a pair from a lone half.
 */
function mayHoldForbiddenCharacter(text: string): boolean {
  return MAYBE_FORBIDDEN.test(text);
}

const MAYBE_FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\uD800-\uDFFF\uFFFE\uFFFF]/;

/** Removes characters that cannot appear in an XML document or a clean JSON string, and bidi overrides. */
export function stripForbiddenCharacters(text: string): string {
  return mayHoldForbiddenCharacter(text) ? text.replace(FORBIDDEN_CHARACTERS, '') : text;
}

/** A forbidden character found in a text, with what kind of harm it does. */
export interface ForbiddenCharacter {
  readonly index: number;
  /** `bidi` reorders what a reader sees; `control` cannot appear in a feed at all. */
  readonly kind: 'bidi' | 'control';
}

/** Every forbidden character of `text`, in order. */
export function forbiddenCharacters(text: string): ForbiddenCharacter[] {
  if (!mayHoldForbiddenCharacter(text)) return [];
  return [...text.matchAll(FORBIDDEN_CHARACTERS)].map((match) => ({ index: match.index, kind: BIDI_OVERRIDES.test(match[0]) ? 'bidi' : 'control' }));
}

const ISOLATE_START = /[\u2066-\u2068]/; // LRI, RLI, FSI
const ISOLATE_END = '\u2069'; // PDI

/**
 * `text` with its direction isolates balanced: a PDI that closes nothing is
 * removed, and an isolate still open at the end is closed there (before any
 * trailing white space), so it cannot reorder the text shown after it, such
 * as the rest of a reader's list of titles.
 */
export function closeIsolates(text: string): string {
  if (!/[\u2066-\u2069]/.test(text)) return text;
  let open = 0;
  let balanced = '';
  for (const character of text) {
    if (ISOLATE_START.test(character)) open++;
    else if (character === ISOLATE_END) {
      if (open === 0) continue;
      open--;
    }
    balanced += character;
  }
  const content = balanced.trimEnd();
  return content + ISOLATE_END.repeat(open) + balanced.slice(content.length);
}

/** Markdown with the isolates of each paragraph (block between blank lines) balanced, as the bidi algorithm ends them there. */
export function closeIsolatesPerParagraph(markdown: string): string {
  if (!/[\u2066-\u2069]/.test(markdown)) return markdown;
  return markdown
    .split(/(\n[ \t]*\n)/)
    .map((part) => closeIsolates(part))
    .join('');
}

/** Index of the first forbidden character, or -1. */
export function indexOfForbiddenCharacter(text: string): number {
  if (!mayHoldForbiddenCharacter(text)) return -1;
  return text.search(FORBIDDEN_CHARACTERS);
}

/**
 * A file's text with LF line breaks and no byte-order mark, as its editor
 * shows it: Windows editors save CRLF and a BOM, old Mac ones a lone CR.
 * Each break stays one break, so lines and columns are those of the file.
 */
export function normaliseLineBreaks(text: string): string {
  return text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for use in HTML content or a quoted attribute. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/**
 * A copy of `text` that shares no memory with the string it was cut from.
 * V8 keeps a substring as a view of its parent, so a title or an opening
 * paragraph would otherwise keep its whole source file alive for the build,
 * and a memo keyed by it (a date's text, a spelling) for as long as it lives.
 */
export function detached(text: string): string {
  // V8 copies substrings shorter than 13 characters anyway.
  return text.length < 13 ? text : Buffer.from(text, 'utf16le').toString('utf16le');
}

/**
 * `pattern.exec(text)`, without V8 keeping `text` alive afterwards: V8 holds
 * the subject of the last successful match for the legacy `RegExp.$1`, so a
 * match on a whole state file (the 12 MB record at 10,000 articles) kept it
 * in the daemon's heap from one build to the next.
 */
export function execOnce(pattern: RegExp, text: string): RegExpExecArray | null {
  const match = pattern.exec(text);
  if (match) NOTHING.exec('');
  return match;
}

const NOTHING = /^/;

/**
 * A deep copy of plain data (objects, arrays, dates, primitives) whose
 * strings are all `detached`; equal strings share one copy (a post's id is
 * often its URL).
 */
export function detachedCopy<T>(value: T, copies = new Map<string, string>()): T {
  if (typeof value === 'string') {
    let copy = copies.get(value);
    if (copy === undefined) {
      copy = detached(value);
      copies.set(value, copy);
    }
    return copy as T;
  }
  if (Array.isArray(value)) return value.map((item: unknown) => detachedCopy(item, copies)) as T;
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, detachedCopy(item, copies)])) as T;
  }
  return value;
}

/**
 * The known name a written one most likely means (a misspelt field or
 * setting): the closest, when it is within `allowed(closest)` edits or the
 * same but for case; undefined when nothing is that close.
 */
export function nearMiss(name: string, known: readonly string[], allowed: (suggestion: string) => number): string | undefined {
  if (known.length === 0) return undefined;
  const suggestion = closest(name, [...known]);
  const [written, meant] = [name.toLowerCase(), suggestion.toLowerCase()];
  return written === meant || distance(written, meant) <= allowed(suggestion) ? suggestion : undefined;
}

/** Strings in code-unit order: a total order that no locale changes, for output that must not depend on the machine. */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
