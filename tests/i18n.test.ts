/** Interface text from i18next, with Arabic's six plural forms. */
import { describe, expect, it } from 'vitest';
import { formatDate, languageName, translator } from '../src/i18n/index.js';
import { contentHtml } from '../src/render/content.js';
import { testConfig } from './support/site.js';

describe('localisation', () => {
  it('uses all six Arabic plural forms for counts', () => {
    const t = translator('ar');
    const posts = (count: number) => t('cli.posts', { count });
    expect(posts(0)).toBe('لا مقالات');
    expect(posts(1)).toBe('مقال واحد');
    expect(posts(2)).toBe('مقالان');
    expect(posts(3)).toMatch(/^\S+ مقالات$/);
    expect(posts(11)).toMatch(/^\S+ مقالاً$/);
    expect(posts(100)).toMatch(/^\S+ مقال$/);
  });

  it('uses English singular and plural', () => {
    const t = translator('en');
    expect(t('cli.posts', { count: 1 })).toBe('1 post');
    expect(t('cli.posts', { count: 1200 })).toBe('1,200 posts');
    expect(t('content.readingTime', { count: 3 })).toBe('3-minute read');
    expect(t('content.readingTime', { count: 1 })).toBe('1-minute read');
  });

  it('translates the interface text of feeds into Arabic', () => {
    const ar = translator('ar');
    expect(ar('content.related')).toBe('مقالات ذات صلة');
    expect(ar('content.availableIn')).toBe('متوفر أيضاً باللغة:');
    expect(ar('feed.description', { site: 'مركز' })).toBe('بيانات وتقارير وأخبار مركز باللغة العربية.');
    expect(ar('content.readingTime', { count: 2 })).toBe('قراءة في دقيقتين');
  });

  it('names languages in their own script and formats dates per language', () => {
    expect(languageName('ar')).toBe('العربية');
    expect(languageName('en')).toBe('English');
    const date = new Date('2026-03-14T06:00:00Z');
    expect(formatDate(date, 'en', 'Asia/Amman')).toBe('March 14, 2026');
    expect(formatDate(date, 'ar', 'Asia/Amman')).toContain('مارس');
  });

  it('names a related article\'s language in the reader\'s language, and a translation in its own', () => {
    const config = testConfig();
    const html = contentHtml(
      {
        lang: 'ar',
        bodyHtml: '<p>نص</p>',
        readingMinutes: 1,
        translations: [{ lang: 'en', url: 'https://rights.example.org/en/x/' }],
        related: [{ lang: 'en', url: 'https://rights.example.org/en/y/', title: 'A report', date: new Date('2026-03-01T00:00:00Z') }],
      },
      config,
    );
    expect(html).toContain('(باللغة الإنجليزية)');
    expect(html).not.toContain('(باللغة English)');
    expect(html).toContain('>English</a>');
    expect(languageName('en', 'ar')).toBe('الإنجليزية');
    expect(languageName('ar')).toBe('العربية');
  });
});
