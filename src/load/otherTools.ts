/**
 * Front matter written for Jekyll, read as Jekyll reads it: its one
 * `category`, and where the site asks for it (`content` in the config), a
 * date taken from the file name and categories and tags written as one
 * space-separated string. Pure.
 */
import type { ContentSettings } from '../config.js';
import { message, type Message } from '../i18n/message.js';
import type { NameParts } from './fileNames.js';

/** A note on how a field was read, for the editor. */
export interface ReadingNote {
  readonly field: string;
  readonly message: Message;
}

/** `data` with what the file name and Jekyll's fields say, and notes on readings an editor may not expect. */
export function asJekyllReads(data: Record<string, unknown>, named: NameParts, content: ContentSettings): { data: Record<string, unknown>; notes: ReadingNote[] } {
  const notes: ReadingNote[] = [];
  const read = { ...data };
  if (named.date !== undefined && data.date === undefined) read.date = named.date;
  if (content.spaceSeparatedLists) {
    for (const field of ['categories', 'tags'] as const) {
      const value = data[field];
      if (typeof value !== 'string' || !/\s/.test(value.trim())) continue;
      const parts = value.trim().split(/\s+/);
      read[field] = parts;
      // "Statements/Joint Statements" was most likely meant as one path; Jekyll splits it all the same.
      if (field === 'categories' && value.includes('/')) {
        notes.push({ field, message: message('diagnostics.field.jekyllCategories', { value: value.trim(), parts: parts.map((part) => `"${part}"`) }) });
      }
    }
  }
  // Jekyll's one category, `category: reports`, comes before those of `categories`.
  if (typeof data.category === 'string' && data.category.trim() !== '') read.categories = [data.category, ...listOf(read.categories)];
  return { data: read, notes };
}

function listOf(value: unknown): unknown[] {
  return value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];
}
