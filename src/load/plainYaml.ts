/**
 * A reader for the plain shape that nearly every post's front matter has:
 * top-level `key: value` lines, a value being one scalar on its line, a list
 * of `- scalar` lines, or a mapping of `key: scalar` lines, indented. It
 * gives what the `yaml` library gives for such text (the same data, and the
 * same offset for every node) at a fraction of its cost, which matters at
 * archive scale, and gives up (undefined) on anything else: comments, escapes,
 * anchors, tags, flow collections, block scalars, numbers other than decimal
 * integers, a value continued on the next line, a repeated key. The caller
 * then reads the text with `yaml`, whose diagnostics it reports.
 */

/** A node read: where its text starts, and what it holds. */
export interface PlainNode {
  /** Offset of the node's first character in the text, as `yaml` ranges give it. */
  readonly offset: number;
  readonly value: unknown;
  /** The nodes of a mapping by key, or of a list by index. */
  readonly children?: ReadonlyMap<string, PlainNode> | readonly PlainNode[];
}

export interface PlainMapping {
  /** The top-level mapping; its offset is that of its first key. */
  readonly root: PlainNode & { readonly value: Record<string, unknown> };
  /** Top-level keys in source order, with the offsets of their names. */
  readonly keys: readonly { readonly name: string; readonly offset: number }[];
  /** The offset of each line's first character, the first line's (0) included. */
  readonly lineStarts: readonly number[];
}

/** A key as `yaml` reads it into a string (not `true`, `null` and the like, which it reads as other types). */
const KEY_LINE = /^([A-Za-z][A-Za-z0-9_-]*):(?: +|$)/;
const NOT_STRING_KEY = /^(?:[Nn]ull|NULL|[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
/** Characters after which `yaml` may read a text other than as written: tabs, control characters, line and page separators, byte-order marks. */
const UNUSUAL = /[\u0000-\u0008\u0009\u000B-\u001F\u007F-\u009F\u2028\u2029\uFEFF]/;
/** The first character of a plain scalar that YAML reads as an indicator, or a space. */
const INDICATOR = /^[-?:,[\]{}#&*!|>'"%@` ]/;
/** Inside a plain scalar: a comment, a mapping, flow-collection characters, or a character YAML reserves. */
const PLAIN_BREAKER = /: | #|:$|[[\]{}]/;
const NULL = /^(?:~|[Nn]ull|NULL)$/;
const TRUE = /^(?:[Tt]rue|TRUE)$/;
const FALSE = /^(?:[Ff]alse|FALSE)$/;
const DECIMAL = /^[-+]?[0-9]+$/;
/** Other numbers of YAML's core schema (octal, hexadecimal, floating point, infinities): left to `yaml`. */
const OTHER_NUMBER = /^(?:0o[0-7]+|0x[0-9a-fA-F]+|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?)$/;

interface Line {
  readonly offset: number;
  readonly indent: number;
  /** The line without its indentation. */
  readonly text: string;
}

/** The mapping of `text` read as `yaml` would read it, or undefined when `text` is not of the plain shape. */
export function readPlainMapping(text: string): PlainMapping | undefined {
  if (UNUSUAL.test(text)) return undefined;
  const lineStarts: number[] = [];
  const lines: Line[] = [];
  for (let offset = 0; offset <= text.length; ) {
    const end = text.indexOf('\n', offset);
    const line = text.slice(offset, end < 0 ? text.length : end);
    lineStarts.push(offset);
    const indent = leadingSpaces(line);
    if (indent === line.length) {
      // A line of spaces alone is read in ways that depend on what surrounds it: left to `yaml`.
      if (line.length > 0) return undefined;
    } else {
      lines.push({ offset: offset + indent, indent, text: line.slice(indent) });
    }
    if (end < 0) break;
    offset = end + 1;
  }
  const first = lines[0];
  if (!first || first.indent !== 0) return undefined;
  const mapping = readMapping(lines, 1, first, true);
  if (!mapping || mapping.next < lines.length) return undefined;
  const root = mapping.node as PlainNode & { readonly value: Record<string, unknown> };
  return { root, keys: mapping.keys, lineStarts };
}

/**
 * The mapping whose first entry is `first` (a line, or what follows `- ` on
 * one) and whose other entries are the lines from `start` (the line after
 * `first`) on, as long as they are at its indentation.
 * Only the top level may hold lists and mappings (`nested`).
 */
function readMapping(lines: readonly Line[], start: number, first: Line, nested: boolean): (Read & { keys: { name: string; offset: number }[] }) | undefined {
  const value: Record<string, unknown> = {};
  const children = new Map<string, PlainNode>();
  const keys: { name: string; offset: number }[] = [];
  let at = start;
  for (let line = first; ; ) {
    const entry = readEntry(line);
    if (!entry || children.has(entry.key)) return undefined;
    let node: PlainNode | undefined;
    if (entry.rest.length > 0) {
      node = readValue(entry.rest, entry.restOffset);
    } else {
      const block = nested ? readBlock(lines, at, first.indent) : undefined;
      node = block?.node;
      at = block?.next ?? at;
    }
    if (!node) return undefined;
    keys.push({ name: entry.key, offset: line.offset });
    children.set(entry.key, node);
    value[entry.key] = node.value;
    const next = lines[at];
    if (!next || next.indent !== first.indent) break;
    line = next;
    at++;
  }
  return { node: { offset: first.offset, value, children }, next: at, keys };
}

interface Read {
  readonly node: PlainNode;
  /** The index of the first line after what was read. */
  readonly next: number;
}

/** A `key: rest` line, `rest` being what follows the colon and its spaces. */
function readEntry(line: Line): { key: string; rest: string; restOffset: number } | undefined {
  const match = KEY_LINE.exec(line.text);
  const key = match?.[1];
  if (!match || key === undefined || NOT_STRING_KEY.test(key)) return undefined;
  return { key, rest: line.text.slice(match[0].length), restOffset: line.offset + match[0].length };
}

/** The list or mapping on the lines from `start`, indented deeper than its key (at `parentIndent`). */
function readBlock(lines: readonly Line[], start: number, parentIndent: number): Read | undefined {
  const first = lines[start];
  if (!first || first.indent <= parentIndent) return undefined;
  return first.text.startsWith('- ') ? readList(lines, start, first.indent) : readMapping(lines, start + 1, first, false);
}

/** The `- item` lines from `start` at `indent`; an item is a scalar, a flow list, or a mapping of scalars. */
function readList(lines: readonly Line[], start: number, indent: number): Read | undefined {
  const items: PlainNode[] = [];
  let at = start;
  for (let line = lines[at]; line && line.indent === indent; line = lines[at]) {
    if (!line.text.startsWith('- ')) return undefined;
    const spaces = 2 + leadingSpaces(line.text.slice(2));
    const rest: Line = { offset: line.offset + spaces, indent: line.indent + spaces, text: line.text.slice(spaces) };
    let item: PlainNode | undefined;
    if (KEY_LINE.test(rest.text)) {
      const mapping = readMapping(lines, at + 1, rest, false);
      item = mapping?.node;
      at = mapping?.next ?? at;
    } else {
      item = readValue(rest.text, rest.offset);
      at++;
    }
    if (!item) return undefined;
    items.push(item);
  }
  // A line indented otherwise than the items (other than the next top-level key) is left to `yaml`.
  if ((lines[at]?.indent ?? 0) !== 0) return undefined;
  return { node: { offset: lines[start]?.offset ?? 0, value: items.map((item) => item.value), children: items }, next: at };
}

/** What follows `key: ` or `- `: a flow list such as `["a", "b"]`, or one scalar, starting at `offset`. */
function readValue(written: string, offset: number): PlainNode | undefined {
  // YAML's white space is the space and the tab (which this reader leaves to `yaml`), not every character JavaScript trims.
  const text = written.replace(/ +$/, '');
  if (text.startsWith('[')) return readFlowList(text, offset);
  if (text.startsWith('"') || text.startsWith("'")) {
    const quoted = readQuoted(text, 0);
    return quoted && quoted.end === text.length ? { offset, value: quoted.value } : undefined;
  }
  const value = plainValue(text, false);
  return value === undefined ? undefined : { offset, value: value.value };
}

/** A list written on one line, `[a, "b", 'c']`, of scalars. */
function readFlowList(text: string, offset: number): PlainNode | undefined {
  const items: PlainNode[] = [];
  let at = 1 + leadingSpaces(text.slice(1));
  if (text[at] === ']') return at === text.length - 1 ? { offset, value: [], children: items } : undefined;
  for (;;) {
    const start = at;
    let value: unknown;
    if (text[at] === '"' || text[at] === "'") {
      const quoted = readQuoted(text, at);
      if (!quoted) return undefined;
      value = quoted.value;
      at = quoted.end;
    } else {
      let end = at;
      while (end < text.length && text[end] !== ',' && text[end] !== ']') end++;
      const plain = plainValue(text.slice(at, end).replace(/ +$/, ''), true);
      if (!plain) return undefined;
      value = plain.value;
      at = end;
    }
    items.push({ offset: offset + start, value });
    at += leadingSpaces(text.slice(at));
    if (text[at] === ']') break;
    if (text[at] !== ',') return undefined;
    at++;
    at += leadingSpaces(text.slice(at));
    // A trailing comma, or a missing item, is left to `yaml`.
    if (text[at] === ']' || text[at] === ',') return undefined;
  }
  if (at !== text.length - 1) return undefined;
  return { offset, value: items.map((item) => item.value), children: items };
}

/** Escapes of double-quoted YAML that this reader decodes; any other escape is left to `yaml`. */
const ESCAPES: Readonly<Record<string, string>> = { '"': '"', '\\': '\\', '/': '/', n: '\n', t: '\t' };

/** The quoted scalar starting at `start`, and the index after its closing quote. */
function readQuoted(text: string, start: number): { value: string; end: number } | undefined {
  const quote = text[start];
  if (quote === "'") {
    const close = text.indexOf("'", start + 1);
    // '' (a quote inside) is left to `yaml`.
    if (close < 0 || text[close + 1] === "'") return undefined;
    return { value: text.slice(start + 1, close), end: close + 1 };
  }
  let value = '';
  let from = start + 1;
  for (;;) {
    const close = text.indexOf('"', from);
    const escape = text.indexOf('\\', from);
    if (close < 0) return undefined;
    if (escape < 0 || escape > close) return { value: value + text.slice(from, close), end: close + 1 };
    value += text.slice(from, escape);
    const letter = text[escape + 1] ?? '';
    const hex = letter === 'u' ? text.slice(escape + 2, escape + 6) : '';
    if (/^[0-9a-fA-F]{4}$/.test(hex)) {
      value += String.fromCodePoint(parseInt(hex, 16));
      from = escape + 6;
    } else {
      const decoded = ESCAPES[letter];
      if (decoded === undefined) return undefined;
      value += decoded;
      from = escape + 2;
    }
  }
}

/** A plain (unquoted) scalar as YAML's core schema reads it; undefined for what this reader leaves to `yaml`. */
function plainValue(text: string, inFlow: boolean): { value: unknown } | undefined {
  if (text.length === 0 || INDICATOR.test(text) || PLAIN_BREAKER.test(text)) return undefined;
  if (inFlow && /[:#'"]/.test(text)) return undefined;
  if (NULL.test(text)) return { value: null };
  if (TRUE.test(text)) return { value: true };
  if (FALSE.test(text)) return { value: false };
  if (DECIMAL.test(text)) return { value: parseInt(text, 10) };
  if (OTHER_NUMBER.test(text)) return undefined;
  return { value: text };
}

function leadingSpaces(text: string): number {
  let count = 0;
  while (text.charCodeAt(count) === 0x20) count++;
  return count;
}

/** The node at `path` below `root`, as `Document.getIn(path, true)` finds it: keys of mappings are strings, indices of lists numbers or digit strings. */
export function plainNodeAt(root: PlainNode, path: readonly (string | number)[]): PlainNode | undefined {
  let node: PlainNode | undefined = root;
  for (const key of path) {
    const children: PlainNode['children'] = node?.children;
    if (!children) return undefined;
    if (Array.isArray(children)) {
      const index = typeof key === 'string' && key !== '' ? Number(key) : key;
      node = typeof index === 'number' && Number.isInteger(index) && index >= 0 ? (children as readonly PlainNode[])[index] : undefined;
    } else {
      node = typeof key === 'string' ? (children as ReadonlyMap<string, PlainNode>).get(key) : undefined;
    }
    if (!node) return undefined;
  }
  return node;
}
