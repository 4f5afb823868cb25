import { message, type Message } from '../i18n/message.js';
import { plainText } from '../render/plainText.js';

/** A front-matter value read as plain text, where it was written. */
interface PlainField {
  readonly path: readonly (string | number)[];
  readonly raw: string;
}

/** Markup as written, or written as character references (`&lt;b&gt;`, `&#60;b&#62;`); not a lone `3 &lt; 4`. */
const LOOKS_LIKE_MARKUP = /(<|&(lt|#0*60|#x0*3c);)[a-z!/?]/i;

export interface MarkupRemoved {
  readonly path: readonly (string | number)[];
  readonly field: string;
  readonly message: Message;
}

/**
 * The plain-text fields (title, author and signatory names, categories, tags, alt text)
 * into which markup was pasted, with what is published instead, so an
 * editor learns why a title reads differently from the file. `data` is the
 * front matter as YAML read it, before the schema cleaned it.
 */
export function markupRemoved(data: Readonly<Record<string, unknown>>): MarkupRemoved[] {
  return plainFields(data)
    .filter((field) => LOOKS_LIKE_MARKUP.test(field.raw))
    .map(({ path, raw }) => {
      const field = path.join('.');
      const text = plainText(raw);
      return { path, field, message: text === '' ? message('diagnostics.field.markupOnly', { field }) : message('diagnostics.field.markupRemoved', { field, text: JSON.stringify(text) }) };
    });
}

function plainFields(data: Readonly<Record<string, unknown>>): PlainField[] {
  const image = data.image;
  return [
    ...stringsAt(['title'], data.title),
    ...namesAt(['author'], data.author),
    ...namesAt(['signatories'], data.signatories),
    ...listAt(['categories'], data.categories).flatMap(({ path, value }) => stringsAt(path, value)),
    ...listAt(['tags'], data.tags).flatMap(({ path, value }) => stringsAt(path, value)),
    ...(isRecord(image) ? stringsAt(['image', 'alt'], image.alt) : []),
  ];
}

/** The names in a field of people or organisations, each a name or `{ name, url }`. */
function namesAt(path: readonly (string | number)[], value: unknown): PlainField[] {
  return listAt(path, value).flatMap((item) => [...stringsAt(item.path, item.value), ...(isRecord(item.value) ? stringsAt([...item.path, 'name'], item.value.name) : [])]);
}

/** A field that may be one value or a list, as its items with their paths. */
function listAt(path: readonly (string | number)[], value: unknown): { path: (string | number)[]; value: unknown }[] {
  return Array.isArray(value) ? value.map((item: unknown, index) => ({ path: [...path, index], value: item })) : [{ path: [...path], value }];
}

function stringsAt(path: readonly (string | number)[], value: unknown): PlainField[] {
  return typeof value === 'string' ? [{ path, raw: value }] : [];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
