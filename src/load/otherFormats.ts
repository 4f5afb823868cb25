/**
 * Hugo's other front-matter formats: TOML between `+++` lines, and a JSON
 * object at the very start of the file. Each is read by its own parser into
 * the shape YAML front matter has (`YamlData`), with positions that name the
 * line each key was written on, so every later check and message is the same
 * whatever the format.
 */
import { parse as parseToml, TomlDate, TomlError } from 'smol-toml';
import { LineCounter } from 'yaml';
import { message } from '../i18n/message.js';
import { parseIsoDate } from './isoDate.js';
import { cleanData, type Position, type YamlData, type YamlProblem } from './yamlData.js';

export type OtherFormat = 'toml' | 'json';

/** Front matter in another format than YAML, split from its body. */
export interface OtherFrontMatter {
  readonly format: OtherFormat;
  /** The front matter: the TOML between the fences, or the JSON object, braces included. */
  readonly text: string;
  /** How many lines of the file come before `text`. */
  readonly lineOffset: number;
  /** The Markdown after the front matter; undefined when the front matter is never closed. */
  readonly body: string | undefined;
}

/** Deepest nesting of a JSON front matter read: no post needs more, and the position scan below recurses. */
const JSON_DEPTH = 64;

/** The TOML or JSON front matter that `text` (line breaks normalised) opens with, if it opens with one. */
export function splitOtherFrontMatter(text: string): OtherFrontMatter | undefined {
  if (text.startsWith('+++')) return splitToml(text);
  if (text.startsWith('{')) return splitJson(text);
  return undefined;
}

/** Hugo's fences: a `+++` line opens the front matter and the next `+++` line closes it. */
function splitToml(text: string): OtherFrontMatter | undefined {
  const firstLineEnd = text.indexOf('\n');
  if (firstLineEnd < 0 || text.slice(3, firstLineEnd).trim() !== '') return undefined;
  const start = firstLineEnd + 1;
  const close = /^\+\+\+[ \t]*$/m.exec(text.slice(start));
  if (!close) return { format: 'toml', text: text.slice(start), lineOffset: 1, body: undefined };
  const end = start + close.index;
  const rest = text.slice(end + close[0].length);
  return { format: 'toml', text: text.slice(start, end), lineOffset: 1, body: rest.startsWith('\n') ? rest.slice(1) : rest };
}

/** Hugo's JSON front matter: the object that starts the file, up to its matching brace; the body starts on the next line. */
function splitJson(text: string): OtherFrontMatter {
  let depth = 0;
  for (let at = 0; at < text.length; at++) {
    const character = text[at];
    if (character === '"') {
      at = closingQuote(text, at);
      continue;
    }
    if (character === '{' || character === '[') depth++;
    if (character !== '}' && character !== ']') continue;
    if (--depth > 0) continue;
    const rest = text.slice(at + 1).replace(/^[ \t]*/, '');
    return { format: 'json', text: text.slice(0, at + 1), lineOffset: 0, body: rest.startsWith('\n') ? rest.slice(1) : rest };
  }
  return { format: 'json', text, lineOffset: 0, body: undefined };
}

/** The index of the quote that closes the JSON string opened at `open`, or the text's end. */
function closingQuote(text: string, open: number): number {
  let at = open + 1;
  while (at < text.length && text[at] !== '"' && text[at] !== '\n') at += text[at] === '\\' ? 2 : 1;
  return at;
}

/** Reads the front matter split off by `splitOtherFrontMatter`. */
export function otherFrontMatterData(matter: OtherFrontMatter): YamlData {
  return matter.format === 'toml' ? tomlData(matter.text, matter.lineOffset) : jsonData(matter.text, matter.lineOffset);
}

/** TOML front matter, read by smol-toml; dates become the ISO 8601 text the schema reads (see `tomlValue`). */
export function tomlData(text: string, lineOffset: number): YamlData {
  const located = locateToml(text, lineOffset);
  let parsed: Record<string, unknown>;
  try {
    parsed = parseToml(text, { maxDepth: JSON_DEPTH, unsafeKeyBehaviour: 'drop' });
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    const text = message('diagnostics.frontMatter.tomlInvalid', { detail: firstLine(error.message).replace(/^Invalid TOML document: /, '') });
    return failed(located, { position: { line: error.line + lineOffset, column: error.column }, field: 'toml', message: text });
  }
  return withData(located, tomlValue(parsed, [], writtenDateAt(text, lineOffset, located)) as Record<string, unknown>);
}

/** A TOML date literal as written: RFC 3339, with `T`, `t` or a space before the time. */
const TOML_DATE = /^\d{4}-\d{2}-\d{2}(?:[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[Zz]|[+-]\d{2}:\d{2})?)?/;

/** The date literal written where the value at `path` starts, if one is. */
function writtenDateAt(text: string, lineOffset: number, located: Located): (path: readonly string[]) => string | undefined {
  let lines: string[] | undefined; // split only for a post that has a date
  return (path) => {
    const { line, column } = located.positionOf(path);
    lines ??= text.split('\n');
    return TOML_DATE.exec(lines[line - lineOffset - 1]?.slice(column - 1) ?? '')?.[0];
  };
}

/** JSON front matter, read by `JSON.parse`. */
export function jsonData(text: string, lineOffset: number): YamlData {
  const lines = lineCounterOf(text, lineOffset);
  if (nestingOf(text) > JSON_DEPTH) return failed(emptyLocation(lines(0)), { position: lines(0), field: 'json', message: message('diagnostics.frontMatter.jsonTooDeep', { depth: message('diagnostics.count.levels', { count: JSON_DEPTH }) }) });
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const offset = /at position (\d+)/.exec(String(error))?.[1];
    const text = message('diagnostics.frontMatter.jsonInvalid', { detail: oneLine(String((error as Error).message).replace(/ in JSON at position \d+.*$/, '')) });
    return failed(emptyLocation(lines(0)), { position: lines(offset === undefined ? 0 : Number(offset)), field: 'json', message: text });
  }
  const located = locateJson(text, lines);
  // JSON.parse keeps the last of two equal keys; YAML and TOML refuse them, and so does nashra: `"draft": true` must not be undone by a later line.
  const repeated = located.repeated[0];
  if (repeated) return failed(located, { position: repeated.position, field: repeated.path.join('.'), message: message('diagnostics.frontMatter.givenTwice', { field: repeated.path.join('.') }) });
  return withData(located, parsed as Record<string, unknown>);
}

/** Where the keys and values of a front matter were written. */
interface Located {
  readonly positionOf: (path: readonly (string | number)[]) => Position;
  readonly keys: readonly { name: string; position: Position }[];
}

function withData(located: Located, value: Record<string, unknown>): YamlData {
  const { data, repairs } = cleanData(value, located.positionOf);
  return { data, positionOf: located.positionOf, keys: located.keys, problems: [], repairs };
}

function failed(located: Located, problem: YamlProblem): YamlData {
  return { data: {}, positionOf: located.positionOf, keys: located.keys, problems: [problem], repairs: [] };
}

function emptyLocation(start: Position): Located {
  return { positionOf: () => start, keys: [] };
}

/**
 * A TOML value as the YAML reader would give it: plain objects and arrays,
 * and each date as its ISO 8601 text, so the schema reads it as it reads a
 * YAML date: an offset date-time as the instant it names, a local date or
 * date-time in the site's time zone (as Hugo reads them), a time alone not
 * at all.
 */
function tomlValue(value: unknown, path: readonly string[], writtenAt: (path: readonly string[]) => string | undefined): unknown {
  if (value instanceof TomlDate) {
    // smol-toml reads a day past its month's end into the next month (2026-02-30 as March 2); as written, the schema refuses it as it does in YAML.
    const written = writtenAt(path);
    return written !== undefined && parseIsoDate(written.slice(0, 10), 'UTC') === undefined ? written : value.toISOString();
  }
  // An array's items are not located one by one: a date among them is read as smol-toml gives it.
  if (Array.isArray(value)) return value.map((item) => tomlValue(item, [...path, '[]'], () => undefined));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, tomlValue(item, [...path, key], writtenAt)]));
  return value;
}

/** A position for each offset into `text`, in lines of the whole file. */
function lineCounterOf(text: string, lineOffset: number): (offset: number) => Position {
  const counter = new LineCounter();
  counter.addNewLine(0);
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) counter.addNewLine(at + 1);
  return (offset) => {
    const { line, col } = counter.linePos(offset);
    return { line: line + lineOffset, column: col };
  };
}

/** Looks a path up among recorded positions, as YAML does: the nearest written ancestor when the path itself was not written. */
function positionLookup(positions: ReadonlyMap<string, Position>, start: Position): Located['positionOf'] {
  return (path) => {
    for (let length = path.length; length > 0; length--) {
      const found = positions.get(pathKey(path.slice(0, length)));
      if (found) return found;
    }
    return start;
  };
}

function pathKey(path: readonly (string | number)[]): string {
  return path.map(String).join('\u0000');
}

/** A TOML key: bare, or quoted with " or '; dotted keys are several of them. */
const TOML_KEY = /^\s*((?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*'))*)\s*/;

/**
 * Where each key of a TOML text was written, found line by line: table
 * headers (`[image]`, `[[author]]`) and `key = value` lines, outside
 * multi-line strings. A path points at its value; an array's items point at
 * the array.
 */
function locateToml(text: string, lineOffset: number): Located {
  const positions = new Map<string, Position>();
  const keys: { name: string; position: Position }[] = [];
  const record = (path: readonly string[], position: Position, keyPosition: Position) => {
    for (let length = 1; length <= path.length; length++) {
      const key = pathKey(path.slice(0, length));
      if (!positions.has(key)) positions.set(key, position);
    }
    const name = path[0];
    if (name !== undefined && !keys.some((key) => key.name === name)) keys.push({ name, position: keyPosition });
  };
  let table: string[] = [];
  let inMultiLineString: string | undefined;
  const lines = text.split('\n');
  lines.forEach((line, index) => {
    const lineNumber = index + 1 + lineOffset;
    if (inMultiLineString !== undefined) {
      if (line.split(inMultiLineString).length % 2 === 0) inMultiLineString = undefined;
      return;
    }
    const header = /^\s*\[\[?([^\]]+)\]\]?/.exec(line);
    if (header?.[1] !== undefined) {
      table = tomlKeyPath(header[1]);
      const position = { line: lineNumber, column: line.indexOf('[') + 1 };
      record(table, position, position);
      return;
    }
    const key = TOML_KEY.exec(line);
    if (!key?.[1] || line[key[0].length] !== '=') return;
    const valueAt = key[0].length + 1 + (/^\s*/.exec(line.slice(key[0].length + 1))?.[0].length ?? 0);
    const keyColumn = (/^\s*/.exec(line)?.[0].length ?? 0) + 1;
    record([...table, ...tomlKeyPath(key[1])], { line: lineNumber, column: valueAt + 1 }, { line: lineNumber, column: keyColumn });
    const delimiter = /^("""|''')/.exec(line.slice(valueAt))?.[1];
    if (delimiter !== undefined && line.slice(valueAt).split(delimiter).length === 2) inMultiLineString = delimiter;
  });
  const first = keys[0]?.position ?? { line: 1 + lineOffset, column: 1 };
  return { positionOf: positionLookup(positions, first), keys };
}

/** `a."b c".d` as its keys. */
function tomlKeyPath(written: string): string[] {
  const parts = written.trim().match(/[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*'/g) ?? [];
  return parts.map((part) => (part.startsWith('"') ? (JSON.parse(part) as string) : part.startsWith("'") ? part.slice(1, -1) : part));
}

/**
 * Where each value of a JSON text (already parsed, so well formed) was
 * written, where each top-level key was, and the keys written twice in one object.
 */
function locateJson(text: string, at: (offset: number) => Position): Located & { repeated: { path: (string | number)[]; position: Position }[] } {
  const positions = new Map<string, Position>();
  const keys: { name: string; position: Position }[] = [];
  const repeated: { path: (string | number)[]; position: Position }[] = [];
  let offset = 0;
  const skipSpace = () => {
    while (offset < text.length && /\s/.test(text[offset] ?? '')) offset++;
  };
  const readString = (): string => {
    const start = offset;
    offset = closingQuote(text, offset) + 1;
    return JSON.parse(text.slice(start, offset)) as string;
  };
  const readValue = (path: (string | number)[]): void => {
    skipSpace();
    positions.set(pathKey(path), at(offset));
    const opening = text[offset];
    if (opening === '"') {
      readString();
    } else if (opening === '{' || opening === '[') {
      offset++;
      skipSpace();
      for (let index = 0; text[offset] !== '}' && text[offset] !== ']' && offset < text.length; index++) {
        if (opening === '{') {
          const keyAt = offset;
          const name = readString();
          if (path.length === 0) keys.push({ name, position: at(keyAt) });
          if (positions.has(pathKey([...path, name]))) repeated.push({ path: [...path, name], position: at(keyAt) });
          skipSpace();
          offset++; // the colon
          readValue([...path, name]);
        } else {
          readValue([...path, index]);
        }
        skipSpace();
        if (text[offset] === ',') offset++;
        skipSpace();
      }
      offset++;
    } else {
      while (offset < text.length && !/[\s,\]}]/.test(text[offset] ?? '')) offset++;
    }
  };
  readValue([]);
  positions.delete(pathKey([]));
  return { positionOf: positionLookup(positions, keys[0]?.position ?? at(0)), keys, repeated };
}

/** The deepest nesting of brackets outside strings. */
function nestingOf(text: string): number {
  let depth = 0;
  let deepest = 0;
  for (let at = 0; at < text.length; at++) {
    const character = text[at];
    if (character === '"') at = closingQuote(text, at);
    else if (character === '{' || character === '[') deepest = Math.max(deepest, ++depth);
    else if (character === '}' || character === ']') depth--;
  }
  return deepest;
}

/** A message that quotes the text across lines, on one line: a diagnostic is one line. */
function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, ' ');
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
