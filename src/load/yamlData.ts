import { isMap, isNode, isScalar, LineCounter, parseDocument, visit, type Document } from 'yaml';
import { stripForbiddenCharacters } from '../text.js';

export interface Position {
  readonly line: number;
  readonly column: number;
}

export interface YamlProblem {
  readonly position: Position;
  readonly field: string;
  readonly message: string;
}

/** Parsed YAML data plus a way to point back at the text a field came from. */
export interface YamlData {
  readonly data: Record<string, unknown>;
  /** Position of a field's value (or of the mapping when the field is absent), 1-based, in the whole file. */
  positionOf(path: readonly (string | number)[]): Position;
  /** Keys of the top-level mapping in source order, with their positions. */
  readonly keys: readonly { name: string; position: Position }[];
  readonly problems: readonly YamlProblem[];
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
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false, schema: 'core' });
  const at = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line: line + lineOffset, column: col };
  };
  const problems: YamlProblem[] = [];
  // One mistake often yields several parser errors at one place; the first says it best.
  const reported = new Set<number>();
  for (const error of document.errors) {
    if (reported.has(error.pos[0])) continue;
    reported.add(error.pos[0]);
    problems.push({ position: at(error.pos[0]), field: 'yaml', message: `invalid YAML: ${firstLine(error.message)}` });
  }
  for (const warning of document.warnings) {
    if (warning.code === 'TAG_RESOLVE_FAILED') continue; // reported below with the tag's name
    problems.push({ position: at(warning.pos[0]), field: 'yaml', message: `YAML: ${firstLine(warning.message)}` });
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
  if (problems.length === 0) {
    // YAML escapes such as "\u0001" decode to characters no feed may carry.
    const value: unknown = withoutForbiddenCharacters(document.toJS({ maxAliasCount: 50 }));
    if (value !== null && value !== undefined) {
      if (typeof value === 'object' && !Array.isArray(value)) data = value as Record<string, unknown>;
      else problems.push({ position: start, field: 'yaml', message: 'front matter must be a mapping of fields' });
    }
  }
  return { data, positionOf, keys, problems };
}

function disallowedTags(document: Document, text: string, at: (offset: number) => Position): YamlProblem[] {
  const problems: YamlProblem[] = [];
  visit(document, (_key, node) => {
    if (!isNode(node) || node.tag === undefined || ALLOWED_TAGS.has(node.tag)) return;
    const offset = tagOffset(text, node.range?.[0] ?? 0);
    problems.push({
      position: at(offset),
      field: 'yaml',
      message: `YAML tag "${node.tag.replace('tag:yaml.org,2002:', '!!')}" is not allowed: front matter is plain data`,
    });
  });
  return problems;
}

function withoutForbiddenCharacters(value: unknown): unknown {
  if (typeof value === 'string') return stripForbiddenCharacters(value);
  if (Array.isArray(value)) return value.map(withoutForbiddenCharacters);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [stripForbiddenCharacters(key), withoutForbiddenCharacters(item)]));
  }
  return value;
}

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
