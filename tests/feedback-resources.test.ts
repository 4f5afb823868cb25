/**
 * The bundled interface text as a specification: English and Arabic say the
 * same things (every sentence in both, with the same parameters), every
 * Arabic sentence that shows a count has all six CLDR plural forms, and every
 * message key the code names exists.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resources } from '../src/i18n/resources.js';

const PLURAL = /_(zero|one|two|few|many|other)$/;
const ARABIC_FORMS = ['zero', 'one', 'two', 'few', 'many', 'other'];

/** Every leaf of a resource tree, by its dotted path. */
function leaves(tree: object, prefix = ''): Map<string, string> {
  const found = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = `${prefix}${key}`;
    if (typeof value === 'string') found.set(path, value);
    else for (const [inner, text] of leaves(value as object, `${path}.`)) found.set(inner, text);
  }
  return found;
}

/** A sentence with its plural forms taken as one: the key without `_one`, `_other`…, with the forms it has and the texts of all of them. */
function sentences(tree: object): Map<string, { forms: Set<string>; texts: string[] }> {
  const grouped = new Map<string, { forms: Set<string>; texts: string[] }>();
  for (const [path, text] of leaves(tree)) {
    const form = PLURAL.exec(path)?.[1];
    const key = path.replace(PLURAL, '');
    const entry = grouped.get(key) ?? { forms: new Set<string>(), texts: [] };
    if (form) entry.forms.add(form);
    entry.texts.push(text);
    grouped.set(key, entry);
  }
  return grouped;
}

function parameters(texts: readonly string[]): string[] {
  return [...new Set(texts.flatMap((text) => [...text.matchAll(/\{\{\s*(\w+)/g)].map((match) => match[1] ?? '')))].sort();
}

const en = sentences(resources.en.translation);
const ar = sentences(resources.ar.translation);

describe('the English and Arabic resources', () => {
  it('hold the same sentences', () => {
    expect([...ar.keys()].filter((key) => !en.has(key))).toEqual([]);
    expect([...en.keys()].filter((key) => !ar.has(key))).toEqual([]);
  });

  it('give every Arabic sentence that shows a count all six plural forms', () => {
    const counted = [...ar].filter(([, { forms, texts }]) => forms.size > 0 || texts.some((text) => text.includes('{{count')));
    expect(counted.length).toBeGreaterThan(20);
    const incomplete = counted.filter(([, { forms }]) => ARABIC_FORMS.some((form) => !forms.has(form))).map(([key]) => key);
    expect(incomplete).toEqual([]);
  });

  it('use the same parameters in both languages', () => {
    const differing = [...en]
      .filter(([key]) => ar.has(key))
      .filter(([key, { texts }]) => parameters(texts).join() !== parameters(ar.get(key)?.texts ?? []).join())
      .map(([key, { texts }]) => `${key}: ${parameters(texts).join()} / ${parameters(ar.get(key)?.texts ?? []).join()}`);
    expect(differing).toEqual([]);
  });

  it('hold every message key the code names', () => {
    const named = new Set<string>();
    for (const file of sourceFiles(join(import.meta.dirname, '../src'))) {
      for (const match of readFileSync(file, 'utf8').matchAll(/'((?:diagnostics|errors|schedule|starter|cli)\.[A-Za-z.]*[A-Za-z])'/g)) named.add(match[1] ?? '');
    }
    expect(named.size).toBeGreaterThan(100);
    expect([...named].filter((key) => !en.has(key)).sort()).toEqual([]);
  });
});

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts'))
    .map((name) => join(dir, name));
}
