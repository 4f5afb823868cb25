import type { Translate } from './index.js';
import { translator } from './index.js';

/**
 * A sentence for people, kept as its resource key and parameters rather than
 * as text, so that each reader gets it in their own language when it is
 * printed. A parameter is a value from the user's input (a slug, a date, a
 * path: never translated), a count, a list of such values, or another
 * message, so a sentence built of parts is built in one language.
 */
export interface Message {
  readonly key: string;
  readonly params?: MessageParams;
}

export type MessageParam = string | number | Message | readonly (string | Message)[];
export type MessageParams = Readonly<Record<string, MessageParam>>;

export function message(key: string, params?: MessageParams): Message {
  return params === undefined ? { key } : { key, params };
}

/** The message in the language of `t`: nested messages first, lists joined as that language joins them. */
export function renderMessage(text: Message, t: Translate): string {
  const params: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(text.params ?? {})) params[name] = renderParam(value, t);
  return t(text.key, params);
}

function renderParam(value: MessageParam, t: Translate): string | number {
  if (typeof value === 'string' || typeof value === 'number') return value;
  if (isList(value)) return value.map((item) => (typeof item === 'string' ? item : renderMessage(item, t))).join(t('cli.separator'));
  return renderMessage(value, t);
}

function isList(value: MessageParam): value is readonly (string | Message)[] {
  return Array.isArray(value);
}

/** The English text: what the library API, the status file and the load cache read. */
export function englishText(text: Message): string {
  return renderMessage(text, translator('en'));
}

/** An error whose words are a message: its `message` is the English text, and the CLI prints it in the reader's language. */
export class MessageError extends Error {
  constructor(
    readonly text: Message,
    options?: ErrorOptions,
  ) {
    super(englishText(text), options);
  }
}
