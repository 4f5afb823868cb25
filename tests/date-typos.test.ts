/**
 * A date that is probably a typo (`0099` for `2099`, `1066`, `9999`) is
 * never published silently: it is a warning at its line, and the feeds stay
 * valid with it. A date no feed can write is an error that skips its post.
 */
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../src/diagnostics.js';
import { farAheadUntil, farFutureDates } from '../src/load/plausibleDates.js';
import type { Post } from '../src/model.js';
import { rssProfileProblems } from './support/rssProfile.js';
import { jsonFeedErrors } from './support/consumers.js';
import { buildInMemory, outputOf, post, sourceFiles, testConfig } from './support/site.js';

/** The build's clock in these tests. */
const NOW = new Date('2026-11-01T00:00:00Z');

function build(frontMatter: string) {
  return buildInMemory(sourceFiles({ 'en/dated.md': post(`title: Dated\n${frontMatter}`) }), testConfig(), NOW);
}

function about(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return diagnostics.filter((d) => d.file === 'posts/en/dated.md');
}

describe('a date before 1900', () => {
  it.each(['0099-05-04', '1066-10-14', '1899-12-31'])('date: %s is published with a warning at its line saying it is probably a typo', (date) => {
    const result = build(`date: ${date}`);
    expect(about(result.diagnostics)).toEqual([
      expect.objectContaining({ line: 3, severity: 'warning', field: 'date', message: `date ${date} is before 1900, probably a typo; it is published as written` }),
    ]);
    expect(outputOf(result, 'en/rss.xml')).toContain('<title>Dated</title>');
  });

  it('is warned about under the name it was written with', () => {
    const result = build('date: 2026-03-02\nlastmod: 0026-03-03');
    expect(about(result.diagnostics)).toEqual(
      expect.arrayContaining([expect.objectContaining({ line: 4, severity: 'warning', field: 'lastmod', message: expect.stringContaining('before 1900') })]),
    );
  });

  it('keeps RSS, Atom and JSON Feed valid: a four-digit year, never read as 1999', () => {
    const result = build('date: 0099-05-04');
    const rss = outputOf(result, 'en/rss.xml');
    // Midnight in Amman, whose offset in the year 99 is its local mean time (+02:23:44).
    expect(rss).toContain('<pubDate>Sun, 03 May 0099 21:36:16 GMT</pubDate>');
    expect(rssProfileProblems(rss)).toEqual([]);
    expect(outputOf(result, 'en/atom.xml')).toContain('<published>0099-05-03T21:36:16Z</published>');
    expect(jsonFeedErrors(outputOf(result, 'en/feed.json'))).toEqual([]);
  });

  it('dates the feed by its newest item even before 1970, not by the epoch', () => {
    const result = build('date: 1969-07-20T20:17:00Z');
    expect(outputOf(result, 'en/atom.xml')).toContain('<updated>1969-07-20T20:17:00Z</updated>');
    expect(outputOf(result, 'en/rss.xml')).toContain('<lastBuildDate>Sun, 20 Jul 1969 20:17:00 GMT</lastBuildDate>');
  });

  it('says nothing of an ordinary date', () => {
    expect(about(build('date: 2026-03-02\nupdated: 2026-03-04').diagnostics)).toEqual([]);
  });
});

describe('a date more than ten years after the build', () => {
  it.each([
    ['date: 9999-01-01', 3, 'date'],
    ['date: 2026-03-02\npublishDate: 2062-03-02', 4, 'publishDate'],
    ['date: 2026-03-02\nexpires: 2206-03-02', 4, 'expires'],
  ])('%s is a warning at its line saying it is probably a typo', (frontMatter, line, field) => {
    expect(about(build(frontMatter).diagnostics)).toEqual([
      expect.objectContaining({ line, severity: 'warning', field, message: expect.stringMatching(/more than 10 years after the build's clock \(2026-11-01\), probably a typo/) }),
    ]);
  });

  it('is not warned about within ten years: an embargo for next year is ordinary', () => {
    expect(about(build('date: 2026-03-02\npublishAt: 2027-01-01T09:00:00+03:00').diagnostics)).toEqual([]);
  });
  it.each(['2036-11-01T10:00:00Z', '2036-02-29T10:00:00Z', '2036-03-01T00:00:00Z'])('stops being far ahead of a clock from the very millisecond %s less ten years is reached, leap days included', (written) => {
    const date = new Date(written);
    const now = new Date('2026-01-01T00:00:00Z');
    const until = farAheadUntil(date, now);
    expect(until).toBeDefined();
    const warnedAt = (clock: Date) => farFutureDates([{ sourcePath: 'x.md', writtenDates: [{ field: 'date', text: written, date, position: { line: 2, column: 7 } }] } as unknown as Post], clock).length;
    expect(warnedAt(new Date((until?.getTime() ?? 0) - 1))).toBe(1);
    expect(warnedAt(until ?? now)).toBe(0);
    expect(farAheadUntil(date, until ?? now)).toBeUndefined();
  });
});

describe('a date no feed can write', () => {
  it('skips the post with an error at the date when its instant falls in the year 10000', () => {
    const result = build('date: 9999-12-31T23:59:59-05:00');
    expect(result.skippedFiles).toEqual(['posts/en/dated.md']);
    expect(about(result.diagnostics)).toEqual([
      expect.objectContaining({ line: 3, severity: 'error', field: 'date', message: expect.stringContaining('outside the years 0000-9999') }),
    ]);
  });

  it('names the instant in UTC, so a date of the year 0000 in a zone east of UTC is not said to be outside 0000-9999', () => {
    const result = build('date: 0000-01-01');
    expect(result.skippedFiles).toEqual(['posts/en/dated.md']);
    expect(about(result.diagnostics).map((d) => d.message)).toEqual([
      'date 0000-01-01 is -000001-12-31T21:36:16.000Z in UTC, in which feeds write dates, and so before the year 0000 that they can carry; this post is skipped',
    ]);
  });
});
