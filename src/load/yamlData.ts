import { isMap, isNode, isScalar, LineCounter, parseDocument, visit, type Document } from 'yaml';
import { closeIsolates, forbiddenCharacters, stripForbiddenCharacters } from '../text.js';
import { message, type Message } from '../i18n/message.js';
import { plainNodeAt, readPlainMapping, type PlainMapping } from './plainYaml.js';

export interface Position {
  readonly line: number;
  readonly column: number;
}

export interface YamlProblem {
  readonly position: Position;
  readonly field: string;
  readonly message: Message;
}

/** Parsed YAML data plus a way to point back at the text a field came from. */
export interface YamlData {
  readonly data: Record<string, unknown>;
  /** Position of a field's value (or of the mapping when the field is absent), 1-based, in the whole file. */
  positionOf(path: readonly (string | number)[]): Position;
  /** Keys of the top-level mapping in source order, with their positions. */
  readonly keys: readonly { name: string; position: Position }[];
  readonly problems: readonly YamlProblem[];
  /** Values that were cleaned as they were read: bidi overrides written as escapes removed, isolates closed. */
  readonly repairs: readonly YamlProblem[];
}

/** Only the plain data types of the YAML core schema: no functions, no binary, no custom objects. */
const ALLOWED_TAGS = new Set([
  'tag:yaml.org,2002:str',
  'tag:yaml.org,2002:int',
  'tag:yaml.org,2002:float',
  'tag:yaml.org,2002:bool',
  'tag:yaml.org,2002:null',
  'tag:yaml.org,2002:seq',
  'tag:yaml.org,2002:map',
]);

/**
 * Parses a YAML mapping as data only. `lineOffset` is the number of file lines
 * before the YAML text starts, so that positions name lines of the whole file.
 */
export function parseYamlMapping(text: string, lineOffset = 0): YamlData {
  const plain = readPlainMapping(text);
  return plain ? plainYamlData(plain, lineOffset) : parsedYamlData(text, lineOffset);
}

/** Front matter of the plain shape (see `readPlainMapping`): what `parsedYamlData` gives for it, without the general parser. */
function plainYamlData(plain: PlainMapping, lineOffset: number): YamlData {
  const lineCounter = new LineCounter();
  for (const offset of plain.lineStarts) lineCounter.addNewLine(offset);
  const at = positionIn(lineCounter, lineOffset);
  const start = at(plain.root.offset);
  const positionOf = (path: readonly (string | number)[]): Position => {
    for (let length = path.length; length > 0; length--) {
      const node = plainNodeAt(plain.root, path.slice(0, length));
      if (node) return at(node.offset);
    }
    return start;
  };
  const keys = plain.keys.map(({ name, offset }) => ({ name, position: at(offset) }));
  const repairs: YamlProblem[] = [];
  const data = cleanValue(plain.root.value, [], repairer(positionOf, repairs)) as Record<string, unknown>;
  return { data, positionOf, keys, problems: [], repairs };
}

function positionIn(lineCounter: LineCounter, lineOffset: number): (offset: number) => Position {
  return (offset) => {
    const { line, col } = lineCounter.linePos(offset);
    return { line: line + lineOffset, column: col };
  };
}

/** Reports a value cleaned as it was read (see `cleanValue`) where it was written. */
function repairer(positionOf: (path: readonly (string | number)[]) => Position, repairs: YamlProblem[]): Repaired {
  return (path, text) => repairs.push({ position: positionOf(path), field: path.map(String).join('.'), message: text });
}

/** Any YAML text, read by the `yaml` library with every node's position: `parseYamlMapping` without its shortcut. */
export function parsedYamlData(text: string, lineOffset: number): YamlData {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false, schema: 'core' });
  const at = positionIn(lineCounter, lineOffset);
  const problems: YamlProblem[] = [];
  // One mistake often yields several parser errors at one place; the first says it best.
  const reported = new Set<number>();
  for (const error of document.errors) {
    if (reported.has(error.pos[0])) continue;
    reported.add(error.pos[0]);
    problems.push({ position: at(error.pos[0]), field: 'yaml', message: message('diagnostics.frontMatter.yamlInvalid', { detail: firstLine(error.message) }) });
  }
  for (const warning of document.warnings) {
    if (warning.code === 'TAG_RESOLVE_FAILED') continue; // reported below with the tag's name
    problems.push({ position: at(warning.pos[0]), field: 'yaml', message: message('diagnostics.frontMatter.yamlWarning', { detail: firstLine(warning.message) }) });
  }
  problems.push(...disallowedTags(document, text, at));
  // A missing field is reported where the mapping starts.
  const start = isNode(document.contents) && document.contents.range ? at(document.contents.range[0]) : at(0);
  const positionOf = (path: readonly (string | number)[]): Position => {
    for (let length = path.length; length > 0; length--) {
      const node = document.getIn(path.slice(0, length), true);
      if (isNode(node) && node.range) return at(node.range[0]);
    }
    return start;
  };
  const keys: { name: string; position: Position }[] = [];
  if (isMap(document.contents)) {
    for (const pair of document.contents.items) {
      if (isScalar(pair.key) && pair.key.range) keys.push({ name: String(pair.key.value), position: at(pair.key.range[0]) });
    }
  }
  let data: Record<string, unknown> = {};
  const repairs: YamlProblem[] = [];
  if (problems.length === 0) {
    const value = aliasesExpanded(document);
    if (value === TOO_MANY_ALIASES) problems.push({ position: firstAlias(document, at) ?? start, field: 'yaml', message: message('diagnostics.frontMatter.tooManyAliases') });
    else if (value !== null && value !== undefined) {
      // YAML escapes such as "\u0001" or "\u202E" decode to characters no feed may carry.
      const cleaned = cleanValue(value, [], repairer(positionOf, repairs));
      if (cleaned !== null && typeof cleaned === 'object' && !Array.isArray(cleaned)) data = cleaned as Record<string, unknown>;
      else problems.push({ position: start, field: 'yaml', message: message('diagnostics.frontMatter.notMapping') });
    }
  }
  return { data, positionOf, keys, problems, repairs };
}

const TOO_MANY_ALIASES = Symbol('too many aliases');

/** The document's value, its aliases resolved; refused past 50 of them, as billion laughs would not stop. */
function aliasesExpanded(document: Document): unknown {
  try {
    return document.toJS({ maxAliasCount: 50 });
  } catch (error) {
    // The yaml package's only ReferenceError from toJS is this one: "Excessive alias count indicates a resource exhaustion attack".
    if (error instanceof ReferenceError && /alias count/i.test(error.message)) return TOO_MANY_ALIASES;
    throw error;
  }
}

function firstAlias(document: Document, at: (offset: number) => Position): Position | undefined {
  let found: Position | undefined;
  visit(document, {
    Alias: (_key, node) => {
      if (node.range) found = at(node.range[0]);
      return visit.BREAK;
    },
  });
  return found;
}

function disallowedTags(document: Document, text: string, at: (offset: number) => Position): YamlProblem[] {
  const problems: YamlProblem[] = [];
  visit(document, (_key, node) => {
    if (!isNode(node) || node.tag === undefined || ALLOWED_TAGS.has(node.tag)) return;
    const offset = tagOffset(text, node.range?.[0] ?? 0);
    problems.push({
      position: at(offset),
      field: 'yaml',
      message: message('diagnostics.frontMatter.tagNotAllowed', { tag: node.tag.replace('tag:yaml.org,2002:', '!!') }),
    });
  });
  return problems;
}

type Repaired = (path: readonly (string | number)[], text: Message) => void;

/**
 * Front matter read by another parser (TOML, JSON) made as safe as YAML's:
 * forbidden characters removed and isolates closed, each change reported
 * where `positionOf` says it was written.
 */
export function cleanData(value: Record<string, unknown>, positionOf: (path: readonly (string | number)[]) => Position): { data: Record<string, unknown>; repairs: YamlProblem[] } {
  const repairs: YamlProblem[] = [];
  const data = cleanValue(value, [], repairer(positionOf, repairs)) as Record<string, unknown>;
  return { data, repairs };
}

/** `value` without forbidden characters and with its isolates closed, each change of a text reported where it was written. */
function cleanValue(value: unknown, path: readonly (string | number)[], repaired: Repaired): unknown {
  if (typeof value === 'string') return cleanText(value, path, repaired);
  if (Array.isArray(value)) return value.map((item, index) => cleanValue(item, [...path, index], repaired));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [stripForbiddenCharacters(key), cleanValue(item, [...path, key], repaired)]));
  }
  return value;
}

function cleanText(text: string, path: readonly (string | number)[], repaired: Repaired): string {
  const removed = forbiddenCharacters(text);
  // Written as YAML escapes (`\x07`, `\ud800`), they reach the text only now, past the file's own check.
  if (removed.some((character) => character.kind === 'control')) repaired(path, CONTROL_REMOVED);
  if (removed.some((character) => character.kind === 'bidi')) repaired(path, BIDI_REMOVED);
  const stripped = removed.length > 0 ? stripForbiddenCharacters(text) : text;
  const balanced = closeIsolates(stripped);
  if (balanced !== stripped) repaired(path, ISOLATES_CLOSED);
  return balanced;
}

/** What an editor is told when control characters were removed. */
export const CONTROL_REMOVED = message('diagnostics.file.controlRemoved');
/** What an editor is told when bidi overrides were removed. */
export const BIDI_REMOVED = message('diagnostics.file.bidiRemoved');
/** What an editor is told when direction isolates were balanced. */
export const ISOLATES_CLOSED = message('diagnostics.file.isolatesClosed');

/** Where the tag written before a node's value starts (the node's own range begins after it). */
function tagOffset(text: string, valueOffset: number): number {
  const lineStart = text.lastIndexOf('\n', valueOffset - 1) + 1;
  const bang = text.lastIndexOf('!', valueOffset);
  if (bang < lineStart) return valueOffset;
  let start = bang;
  while (start > lineStart && !/\s/.test(text[start - 1] ?? ' ')) start--;
  return start;
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
