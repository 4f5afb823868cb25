/**
 * The load stage's shortcuts: cheaper ways to the same result, for the texts
 * nearly every post has. Each one must give exactly what the general way
 * gives, so that no output and no diagnostic depends on which way was taken.
 */
import { describe, expect, it } from 'vitest';
import { parseIsoDate } from '../src/load/frontMatter.js';
import { countWords } from '../src/render/article.js';
import { forbiddenCharacters, indexOfForbiddenCharacter, stripForbiddenCharacters } from '../src/text.js';

describe('word count', () => {
  /** The definition: runs of letters and numbers, with marks, apostrophes and hyphens inside, link targets and tags left out. */
  const byDefinition = (markdown: string) =>
    markdown.replace(/\]\([^()]*\)|<[^<>]*>/g, ' ').match(/[\p{L}\p{N}][\p{L}\p{N}\p{M}'’-]*/gu)?.length ?? 0;

  it.each([
    ['Two words', 2],
    ["women's rights and rule-of-law reforms", 5],
    ['- not a word - but ’quoted’ is', 6],
    ['[a link](https://example.org/many/words/here) and <span class="x y">tags</span>', 4],
    ['الحق في المحاكمة العادلة، ٣ سنوات', 6],
    ['مُحَاكَمَةٌ عَادِلَةٌ', 2],
    ['𝐁𝐨𝐥𝐝 math letters and 😀 emoji', 5],
    ['a lone \uD800 surrogate \uDC00 halves', 4],
    ['x²³ Ⅻ ½', 3],
    ['', 0],
  ])('%j has %i words, as the definition counts', (text, words) => {
    expect(countWords(text)).toBe(words);
    expect(countWords(text)).toBe(byDefinition(text));
  });
});

describe('dates with a written offset', () => {
  it.each(['2026-03-14T09:00:00+03:00', '2026-03-14 09:00Z', '2026-03-29T02:30:00-0500', '2026-03-14T09:00:00.123456789+14'])(
    '%s is the same instant in every site time zone',
    (written) => {
      const instants = ['Asia/Amman', 'UTC', 'America/New_York', 'Pacific/Kiritimati'].map((zone) => parseIsoDate(written, zone)?.toISOString());
      expect(instants[0]).toBeDefined();
      expect(new Set(instants).size).toBe(1);
    },
  );

  it('a date without an offset is read in the site time zone, a day ending in -14 included', () => {
    expect(parseIsoDate('2026-03-14', 'Asia/Amman')?.toISOString()).toBe('2026-03-13T21:00:00.000Z');
    expect(parseIsoDate('2026-03-14T09:00', 'America/New_York')?.toISOString()).toBe('2026-03-14T13:00:00.000Z');
  });

  it('an impossible date with an offset is still refused', () => {
    expect(parseIsoDate('2026-02-30T10:00:00+03:00', 'Asia/Amman')).toBeUndefined();
    expect(parseIsoDate('2026-03-14T24:30:00Z', 'Asia/Amman')).toBeUndefined();
  });
});

describe('forbidden characters', () => {
  it.each([
    ['clean text: a tab, line breaks, Arabic, an emoji, isolates', 'a\tb\nc\r\nعربي 😀 \u2066x\u2069', 'a\tb\nc\r\nعربي 😀 \u2066x\u2069', []],
    ['controls, DEL and C1', 'a\u0001b\u007Fc\u0085d', 'abcd', [1, 3, 5]],
    ['bidi overrides', 'Invoice \u202Efdp.exe', 'Invoice fdp.exe', [8]],
    ['lone surrogates, but not a pair', '\uD83D\uDE00 \uD800 \uDC00', '\uD83D\uDE00  ', [3, 5]],
    ['U+FFFE and U+FFFF', 'a\uFFFEb\uFFFF', 'ab', [1, 3]],
  ])('%s', (_name, text, stripped, indices) => {
    expect(stripForbiddenCharacters(text)).toBe(stripped);
    expect(forbiddenCharacters(text).map((found) => found.index)).toEqual(indices);
    expect(indexOfForbiddenCharacter(text)).toBe(indices[0] ?? -1);
  });
});
