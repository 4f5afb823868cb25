/**
 * Interface text of feeds and the CLI. Arabic uses all six CLDR plural forms
 * (zero, one, two, few, many, other) wherever a number is shown.
 * Adding a language is adding an entry here plus a `languages` entry in the config.
 */
export const resources = {
  en: {
    translation: {
      feed: {
        title: '{{site}}',
        description: 'Statements, reports and news from {{site}}, in English.',
      },
      content: {
        availableIn: 'Available in:',
        related: 'Related articles',
        inLanguage: '(in {{language}})',
        readingTime_one: '{{count, number}} minute read',
        readingTime_other: '{{count, number}} minutes read',
      },
      cli: {
        posts_one: '{{count, number}} post',
        posts_other: '{{count, number}} posts',
        separator: ', ',
        feedsWritten_one: '{{count, number}} feed written',
        feedsWritten_other: '{{count, number}} feeds written',
        feedsUnchanged: '{{count, number}} unchanged',
        skipped: '{{count, number}} skipped',
        summary: '{{posts}}; {{written}}, {{unchanged}}; {{skipped}}; {{time}}',
        checkSummary: '{{posts}} checked; {{errors}}, {{warnings}}',
        errors_one: '{{count, number}} error',
        errors_other: '{{count, number}} errors',
        warnings_one: '{{count, number}} warning',
        warnings_other: '{{count, number}} warnings',
        nothingWritten: 'nothing written: --strict and some posts have errors',
        progress: 'rendering {{done, number}} of {{total, number}}',
      },
    },
  },
  ar: {
    translation: {
      feed: {
        title: '{{site}}',
        description: 'بيانات وتقارير وأخبار {{site}} باللغة العربية.',
      },
      content: {
        availableIn: 'متوفر أيضاً باللغة:',
        related: 'مقالات ذات صلة',
        inLanguage: '(باللغة {{language}})',
        readingTime_zero: 'قراءة في أقل من دقيقة',
        readingTime_one: 'قراءة في دقيقة واحدة',
        readingTime_two: 'قراءة في دقيقتين',
        readingTime_few: 'قراءة في {{count, number}} دقائق',
        readingTime_many: 'قراءة في {{count, number}} دقيقة',
        readingTime_other: 'قراءة في {{count, number}} دقيقة',
      },
      cli: {
        posts_zero: 'لا مقالات',
        posts_one: 'مقال واحد',
        posts_two: 'مقالان',
        posts_few: '{{count, number}} مقالات',
        posts_many: '{{count, number}} مقالاً',
        posts_other: '{{count, number}} مقال',
        separator: '، ',
        feedsWritten_zero: 'لم تُكتب أي خلاصة',
        feedsWritten_one: 'كُتبت خلاصة واحدة',
        feedsWritten_two: 'كُتبت خلاصتان',
        feedsWritten_few: 'كُتبت {{count, number}} خلاصات',
        feedsWritten_many: 'كُتبت {{count, number}} خلاصة',
        feedsWritten_other: 'كُتبت {{count, number}} خلاصة',
        feedsUnchanged: '{{count, number}} دون تغيير',
        skipped: '{{count, number}} متروك',
        summary: '{{posts}}؛ {{written}}، {{unchanged}}؛ {{skipped}}؛ {{time}}',
        checkSummary: 'فُحص {{posts}}؛ {{errors}}، {{warnings}}',
        errors_zero: 'لا أخطاء',
        errors_one: 'خطأ واحد',
        errors_two: 'خطآن',
        errors_few: '{{count, number}} أخطاء',
        errors_many: '{{count, number}} خطأً',
        errors_other: '{{count, number}} خطأ',
        warnings_zero: 'لا تحذيرات',
        warnings_one: 'تحذير واحد',
        warnings_two: 'تحذيران',
        warnings_few: '{{count, number}} تحذيرات',
        warnings_many: '{{count, number}} تحذيراً',
        warnings_other: '{{count, number}} تحذير',
        nothingWritten: 'لم يُكتب شيء: الخيار --strict مفعّل وفي بعض المقالات أخطاء',
        progress: 'معالجة {{done, number}} من {{total, number}}',
      },
    },
  },
} as const;

export type ResourceLanguage = keyof typeof resources;
