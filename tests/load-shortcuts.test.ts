/**
 * The load stage's shortcuts: cheaper ways to the same result, for the texts
 * nearly every post has. Each one must give exactly what the general way
 * gives, so that no output and no diagnostic depends on which way was taken.
 */
import { describe, expect, it } from 'vitest';
import matter from 'gray-matter';
import { englishText } from '../src/i18n/message.js';
import { parseIsoDate } from '../src/load/isoDate.js';
import { splitFrontMatter } from '../src/load/parsePost.js';
import { readPlainMapping } from '../src/load/plainYaml.js';
import { parsedYamlData, parseYamlMapping, type YamlData } from '../src/load/yamlData.js';
import { countWords, renderSummary } from '../src/render/article.js';
import { markdownToHtml } from '../src/render/markdown.js';
import { sanitizeHtml } from '../src/render/sanitize.js';
import { plainOpeningHtml, summarizeHtmlReporting } from '../src/render/summary.js';
import { testConfig } from './support/site.js';
import { forbiddenCharacters, indexOfForbiddenCharacter, stripForbiddenCharacters } from '../src/text.js';

/** Every path into `value`, with list indices also written as strings (as a diagnostic's path may hold them). */
function pathsOf(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const paths = [prefix];
  if (Array.isArray(value)) value.forEach((item: unknown, index) => paths.push(...pathsOf(item, [...prefix, index]), [...prefix, String(index)]));
  else if (value !== null && typeof value === 'object') for (const [key, item] of Object.entries(value)) paths.push(...pathsOf(item, [...prefix, key]));
  return paths;
}

/** What a reading gives that anything downstream can see: data (with its key order), keys, problems, repairs, and the position of every path. */
function observable(yaml: YamlData, paths: (string | number)[][]) {
  return {
    data: yaml.data,
    order: JSON.stringify(yaml.data),
    keys: yaml.keys,
    problems: yaml.problems,
    repairs: yaml.repairs,
    positions: paths.map((path) => [path, yaml.positionOf(path)]),
  };
}

const PLAIN_FRONT_MATTER: Record<string, string> = {
  'quoted and plain scalars': '\ntitle: "Joint statement: release them"\ndate: 2026-03-14T09:00:00+03:00\nslug: release-them\n',
  'single quotes, empty strings, Arabic, trailing spaces': "\ntitle: 'بيان مشترك'   \nsummary: \"\"\nalt: ''\nname: plain words  ",
  'escapes in double quotes': '\ntitle: "He said \\"no\\" \\\\ a\\/b\\nc\\td"\nsummary: "\\u202Ebidi \\u2066open"',
  'core-schema types': '\ndraft: true\npublished: False\nsize: 1200\nplus: +5\nhuge: 99999999999999999999\nnothing: ~\nalsoNothing: NULL\nzeroPadded: 017',
  'flow lists': '\ntags: [detention, "fair trial", \'women’s rights\']\ncategories: ["News"]\nempty: []\nspaced: [ a , b ]\ntyped: [1, true, null]',
  'block lists': '\ntags:\n  - "detention"\n  -   journalists\n\n  - 3\ncategories:\n    - News',
  'nested mappings': '\nauthor:\n  name: "Rania Khoury"\n  url: "https://bench.example.org/en/team/rania-khoury/"\nimage:\n   url: /images/a.webp\n   alt: A vigil',
  'lists of mappings': '\nauthor:\n  - name: "Sami Farhat"\n    url: "https://example.org/sami/"\n  -  name: Tariq\n     url: https://example.org/tariq/\n  - "Omar Khalil"\n  - [a, b]',
  'a text of the plain shape without a final line break': 'title: x\ndate: 2026-01-01',
  'unusual but plain keys and values': '\nTitle: C# and F#\nx_y: a:b, c\na-b: l\'homme\nurl: https://x.example/a?b=c#d\nend: ...\nnbsp: x\u00a0\nisolate: \u2066x',
};

const LEFT_TO_YAML: Record<string, string> = {
  'a comment': '\n# note\ntitle: x',
  'a trailing comment': '\ntitle: x # note',
  'a tab': '\ntitle:\tx',
  'a line of spaces': '\ntitle: x\n  \ndate: 2026-01-01',
  'a repeated key': '\ntitle: x\ntitle: y',
  'a key YAML reads as a boolean': '\ntrue: x',
  'an empty value': '\ntags:\ntitle: x',
  'a list at the indentation of its key': '\ntags:\n- a',
  'a value continued on the next line': '\ntitle: a long\n  title',
  'a block scalar': '\nsummary: |\n  text',
  'an anchor and an alias': '\na: &x 1\nb: *x',
  'a tag': '\nsize: !!str 5',
  'a flow mapping': '\nimage: { url: /a.png }',
  'a nested flow list': '\ntags: [[a]]',
  'a trailing comma': '\ntags: [a, ]',
  'a float': '\nsize: 1.5',
  'a hexadecimal number': '\nsize: 0x1F',
  'an escape this reader does not decode': '\ntitle: "\\x41"',
  "a quote in single quotes": "\ntitle: 'it''s'",
  'text after a closing quote': '\ntitle: "a" b',
  'a mapping inside a plain value': '\ntitle: a: b',
  'a document marker': '\ntitle: x\n---',
  'a mapping nested two deep': '\nauthor:\n  name:\n    first: x',
  'indentation that changes inside a list': '\ntags:\n  - a\n   - b',
  'no key at all': '\n\n',
};

describe('front matter of the plain shape', () => {
  it.each(Object.entries(PLAIN_FRONT_MATTER))('%s: is read without the general parser, to the same data and positions', (_name, text) => {
    expect(readPlainMapping(text)).toBeDefined();
    const general = parsedYamlData(text, 1);
    const paths = [...pathsOf(general.data), ['missing'], ['title', 0], ['tags', 99], ['author', 0, 'name'], ['image', 'alt']];
    expect(observable(parseYamlMapping(text, 1), paths)).toEqual(observable(general, paths));
  });

  it.each(Object.entries(LEFT_TO_YAML))('%s: is left to the yaml library, which reads it as before', (_name, text) => {
    expect(readPlainMapping(text)).toBeUndefined();
    const general = parsedYamlData(text, 1);
    const paths = pathsOf(general.data);
    expect(observable(parseYamlMapping(text, 1), paths)).toEqual(observable(general, paths));
  });
});

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

  it.each(['2026-01-05T10:00:00+25:00', '2026-03-04 10:00:00 +9999', '2026-01-05T10:00:00-24', '2026-01-05T10:00:00+03:60'])('%s is no date: its offset is out of range', (written) => {
    expect(parseIsoDate(written, 'UTC')).toBeUndefined();
  });

  it('a date without an offset is read in the site time zone, a day ending in -14 included', () => {
    expect(parseIsoDate('2026-03-14', 'Asia/Amman')?.toISOString()).toBe('2026-03-13T21:00:00.000Z');
    expect(parseIsoDate('2026-03-14T09:00', 'America/New_York')?.toISOString()).toBe('2026-03-14T13:00:00.000Z');
  });

  it('a date read again (as in a translation) is the same instant, in its own zone, as a Date of its own', () => {
    const first = parseIsoDate('2026-05-01T10:00', 'Asia/Amman');
    const again = parseIsoDate('2026-05-01T10:00', 'Asia/Amman');
    expect(again).toEqual(first);
    expect(again).not.toBe(first);
    expect(parseIsoDate('2026-05-01T10:00', 'UTC')?.toISOString()).toBe('2026-05-01T10:00:00.000Z');
    expect(parseIsoDate(' 2026-05-01T10:00 ', 'Asia/Amman')).toEqual(first);
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

describe('summaries that open with plain paragraphs', () => {
  const PAGE = 'https://rights.example.org/en/news/x/';
  /** The general way: the whole text through marked and the sanitiser. */
  const rendered = (markdown: string) => sanitizeHtml(markdownToHtml(markdown), PAGE, 26).html;
  const plain = 'The hearing in Wadi Nur lasted less than 41 minutes; the defendants "were not allowed" to address the court.';
  const arabic = 'قالت محامية الدفاع إن الجلسة استمرت أقل من ٤١ دقيقة، ولم يُسمح للمتهمين بالكلام.';

  it.each([
    ['one paragraph', plain],
    ['paragraphs and headings, after blank lines', `\n\n${plain}\n\n### Legal analysis\n \n${arabic}\n\n# x`],
    ['strong emphasis', '**411 cases** of detention under article **109**, and **٣ حالات**؛ **x**.'],
    ['a tight list, then a paragraph', `- release them;\n- **411 cases** in Tell Hamra;\n- ${arabic}\n\n${plain}`],
  ])('%s: give the HTML that marked and the sanitiser give', (_name, markdown) => {
    expect(plainOpeningHtml(markdown)).toEqual({ html: rendered(markdown), complete: true });
  });

  it.each([
    ['an ordered list', `${plain}\n\n1. one\n2. two`],
    ['a link defined after them', `${plain}\n\n[see][ref]\n\n[ref]: https://example.org/`],
    ['a quote nested deeper than the limit', `${plain}\n\n${'> '.repeat(40)}deep`],
    ['a code fence', `${arabic}\n\n\`\`\`\ncode\n\`\`\``],
    ['a link', `${plain}\n\n[a report](../reports/)`],
  ])('followed by %s: give the start of what the whole renders to', (_name, markdown) => {
    const opening = plainOpeningHtml(markdown);
    expect(opening?.complete).toBe(false);
    expect(rendered(markdown).startsWith(opening?.html ?? 'missing')).toBe(true);
  });

  it.each([
    ['an autolink', 'See www.example.org today'],
    ['an e-mail address', 'Write to press@example.org'],
    ['an entity', 'Smith &amp; Jones'],
    ['a list marked with +', '+ one'],
    ['an ordered list', '2024. A year'],
    ['a two-line paragraph', 'one\ntwo'],
    ['a no-break space', 'a\u00A0b'],
    ['a heading with closing hashes', '## Title ##'],
    ['strong emphasis that opens after a letter', 'a**b**'],
    ['strong emphasis around a space', '** b**'],
    ['emphasis', 'an *emphasised* word'],
    ['a list that a later item continues, loosely', '- one\n\n- two'],
    ['a list whose item goes on, indented, after a blank line', '- one\n\n  more of one'],
    ['a list item that is itself a list', '- 1. one'],
  ])('opening with %s: are rendered', (_name, markdown) => {
    expect(plainOpeningHtml(markdown)).toBeUndefined();
  });

  it('a derived summary cut within them is the one the whole body gives, whatever follows', () => {
    const config = testConfig({ feeds: { summaryLength: 60 } });
    const body = `${plain}\n\n${'> '.repeat(40)}deep\n\n[x]: https://example.org/`;
    const whole = summarizeHtmlReporting(rendered(body), 60, 'en');
    expect(whole.truncated).toBe(true);
    expect(renderSummary({ bodyMarkdown: body, url: PAGE, lang: 'en' }, config)).toEqual({ html: whole.html, warnings: [] });
  });

  it("an author's summary with HTML nested too deep after a plain paragraph is still warned about", () => {
    const config = testConfig({ feeds: { summaryLength: 40 } });
    const summary = renderSummary({ summaryMarkdown: `${plain}\n\n${'<div>'.repeat(120)}deep`, bodyMarkdown: '', url: PAGE, lang: 'en' }, config);
    expect(summary.warnings.map(englishText)).toEqual([expect.stringContaining('HTML elements nested deeper than 110 levels')]);
  });
});

describe('splitting a file at its front matter', () => {
  /** gray-matter's reading: the body it gives, and the texts it hands to the YAML parser (or what it throws). */
  const split = (text: string, by: (text: string, parseYaml: (source: string) => object) => string) => {
    const handed: string[] = [];
    try {
      return { body: by(text, (source) => (handed.push(source), {})), handed };
    } catch (error) {
      return { error: String(error), handed };
    }
  };
  const refuse = (): never => {
    throw new Error('refused');
  };
  const byGrayMatter = (text: string, parseYaml: (source: string) => object) =>
    matter(text, { language: 'yaml', engines: { yaml: parseYaml, js: refuse, javascript: refuse } }).content;

  it.each([
    ['front matter and a body', '---\ntitle: x\n---\n\nBody\n'],
    ['a closing line with more after ---', '---\ntitle: x\n----- not a rule\nBody'],
    ['no closing line', '---\ntitle: x\n'],
    ['front matter of comments only', '---\n# a note\n  # another\n---\nBody'],
    ['empty front matter', '---\n---\nBody'],
    ['a line break, then a carriage return', '---\ntitle: x\n---\r\nBody'],
    ['a language after the opening line', '---yaml\ntitle: x\n---\nBody'],
    ['four dashes', '----\ntitle: x\n---\nBody'],
  ])('%s: as gray-matter splits it', (_name, text) => {
    expect(split(text, splitFrontMatter)).toEqual(split(text, byGrayMatter));
  });
});
