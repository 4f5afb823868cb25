import type { z } from 'zod';
import { message, type Message, type MessageParams } from '../i18n/message.js';

export interface SchemaProblem {
  readonly path: (string | number)[];
  /** The sentence, without the field it is about: the caller adds `field` to its parameters. */
  readonly message: Message;
}

/**
 * zod's issues as problems a writer can act on. For a union ("a name or
 * {name, url}") zod reports only "Invalid input"; the branch whose shape the
 * value has explains what is wrong inside it, so that branch is reported.
 */
export function schemaProblems(issues: readonly z.core.$ZodIssue[], prefix: (string | number)[] = []): SchemaProblem[] {
  return issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path.filter((part): part is string | number => typeof part !== 'symbol')];
    if (issue.code === 'invalid_union') {
      const matching = issue.errors.filter((branch) => !branch.some((inner) => inner.code === 'invalid_type' && inner.path.length === 0));
      if (matching.length === 1 && matching[0]) return schemaProblems(matching[0], path);
    }
    return [{ path, message: issueMessage(issue) }];
  });
}

/** Where a schema gives its own words, they are a key of `diagnostics.schema`; else zod's issue is said in ours, never in zod's. */
const OWN_WORDS = 'diagnostics.';

function issueMessage(issue: z.core.$ZodIssue): Message {
  if (issue.message.startsWith(OWN_WORDS)) return message(issue.message, issue.code === 'custom' ? textParams(issue.params) : undefined);
  switch (issue.code) {
    case 'unrecognized_keys':
      return message('diagnostics.schema.unknownFields', { keys: issue.keys.map((key) => `"${key}"`) });
    case 'invalid_type':
      // zod 4 does not keep the input in its issues; its own message says what it received.
      if (/received undefined$/.test(issue.message)) return message('diagnostics.schema.required');
      if (issue.expected === 'int') return message('diagnostics.schema.integer');
      return message('diagnostics.schema.expected', { expected: message(`diagnostics.schema.type.${EXPECTED_TYPES.has(issue.expected) ? issue.expected : 'other'}`) });
    case 'too_small':
      return boundMessage(issue.origin, Number(issue.minimum), issue.inclusive !== false, 'minimum');
    case 'too_big':
      return boundMessage(issue.origin, Number(issue.maximum), issue.inclusive !== false, 'maximum');
    case 'invalid_value':
      return message('diagnostics.schema.oneOf', { values: issue.values.map((value) => JSON.stringify(value)) });
    default:
      return message('diagnostics.schema.invalid');
  }
}

const EXPECTED_TYPES: ReadonlySet<string> = new Set(['string', 'number', 'boolean', 'array', 'object', 'record']);

/** A number's, a text's or a list's lower or upper bound, in words. */
function boundMessage(origin: string, bound: number, inclusive: boolean, side: 'minimum' | 'maximum'): Message {
  const low = side === 'minimum';
  if (origin === 'string') return low && bound === 1 ? message('diagnostics.schema.empty') : message(low ? 'diagnostics.schema.minLength' : 'diagnostics.schema.maxLength', { [side]: message('diagnostics.count.characters', { count: bound }) });
  if (origin === 'array' || origin === 'set') return message(low ? 'diagnostics.schema.minItems' : 'diagnostics.schema.maxItems', { [side]: message('diagnostics.schema.item', { count: bound }) });
  const key = low ? (inclusive ? 'atLeast' : 'above') : inclusive ? 'atMost' : 'below';
  return message(`diagnostics.schema.${key}`, { [side]: bound });
}

/** The parameters a schema's custom issue carries (values from the file: texts, numbers and lists of texts only). */
function textParams(params: Record<string, unknown> | undefined): MessageParams {
  const kept: Record<string, string | number | string[]> = {};
  for (const [name, value] of Object.entries(params ?? {})) {
    if (typeof value === 'string' || typeof value === 'number') kept[name] = value;
    else if (Array.isArray(value) && value.every((item) => typeof item === 'string')) kept[name] = value as string[];
  }
  return kept;
}
