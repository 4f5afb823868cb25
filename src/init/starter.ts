/**
 * What `nashra init` and `nashra new` write, as data: files with their paths
 * relative to the site's folder. Pure, so the texts are tested without a
 * disk; the CLI writes them without overwriting anything (init/write.ts).
 */
import { DateTime } from 'luxon';
import { SLUG_PATTERN, SLUG_RULE } from '../load/frontMatter.js';

export interface StarterFile {
  readonly path: string;
  readonly text: string;
  /** When the file exists already, add the text's lines it lacks instead of refusing (a .gitignore). */
  readonly mergeLines?: boolean;
}

/** An instant written as the site's editors read it: to the minute, with the zone's offset. */
export function localDateTime(now: Date, timeZone: string): string {
  return DateTime.fromJSDate(now, { zone: timeZone }).startOf('minute').toISO({ suppressMilliseconds: true, suppressSeconds: false }) ?? now.toISOString();
}

/** A YAML double-quoted scalar: any text, escaped so that it stays one value. */
function quoted(text: string): string {
  return JSON.stringify(text);
}

export interface InitOptions {
  readonly now: Date;
  /** The site's IANA time zone (default: the machine's). */
  readonly timeZone: string;
  /** The site's public address, where the feeds will live under `feeds/`. */
  readonly baseUrl: string;
  readonly siteName: { readonly en: string; readonly ar: string };
}

/** A starter site: a config for English and Arabic, one published pair of posts, and a .gitignore for the state directory. */
export function starterSite(options: InitOptions): StarterFile[] {
  const date = localDateTime(options.now, options.timeZone);
  const config = `# Site settings for nashra. Every field is documented in the README ("Configuration").
baseUrl: ${quoted(options.baseUrl)}
feedsPath: feeds/
timeZone: ${quoted(options.timeZone)}
languages:
  en:
    siteName: ${quoted(options.siteName.en)}
    urlPattern: /{lang}/{section}/{slug}/
  ar:
    siteName: ${quoted(options.siteName.ar)}
    urlPattern: /{lang}/{section}/{slug}/
feeds:
  limit: 50
  fullContent: true
categorySlugs:
  News: news
  أخبار: news
`;
  const english = `---
title: "Welcome to our feeds"
date: ${date}
translationKey: welcome
slug: welcome
categories: [News]
tags: [announcements]
---
This is the first article of the site, written by \`nashra init\`. Edit it, or
delete this file and its Arabic translation, then write your own with
\`nashra new <slug>\`.

Every article lives in \`posts/<language>/\`. Two files with the same
\`translationKey\` are one article in two languages, and each links to the other.
`;
  const arabic = `---
title: "أهلاً بكم في نشراتنا"
date: ${date}
translationKey: welcome
slug: welcome
categories: [أخبار]
tags: [إعلانات]
---
هذا أول مقال في الموقع، كتبه الأمر \`nashra init\`. عدّله، أو احذف هذا الملف
وترجمته الإنجليزية، ثم اكتب مقالاتك بالأمر \`nashra new <slug>\`.

يقع كل مقال في المجلد \`posts/<اللغة>/\`. والملفان اللذان يحملان القيمة نفسها في
\`translationKey\` مقال واحد بلغتين، يشير كل منهما إلى الآخر.
`;
  const gitignore = `# nashra's private state: what was published, the lock, the load cache.
.nashra/
`;
  return [
    { path: 'nashra.config.yaml', text: config },
    { path: 'posts/en/welcome.md', text: english },
    { path: 'posts/ar/welcome.md', text: arabic },
    { path: '.gitignore', text: gitignore, mergeLines: true },
  ];
}

/** Why `slug` cannot name a new article, or undefined when it can. */
export function slugProblem(slug: string): string | undefined {
  return SLUG_PATTERN.test(slug) ? undefined : `"${slug}" ${SLUG_RULE}`;
}

export interface NewPostOptions {
  readonly slug: string;
  readonly languages: readonly string[];
  readonly now: Date;
  readonly timeZone: string;
  /** The folder holding `<lang>/*.md`, relative to where the files are written. */
  readonly postsDir: string;
}

const PLACEHOLDER: Readonly<Record<string, { title: string; body: string }>> = {
  en: { title: 'Title of the article', body: 'Write the article here, in Markdown.' },
  ar: { title: 'عنوان المقال', body: 'اكتب المقال هنا بصيغة ماركداون.' },
};

/**
 * One article in each language, sharing a translationKey, dated now in the
 * site's time zone. Each is a draft, as Hugo's `hugo new` makes them: a
 * placeholder never reaches a feed until an editor says it is ready.
 */
export function newPostFiles(options: NewPostOptions): StarterFile[] {
  const date = localDateTime(options.now, options.timeZone);
  return options.languages.map((lang) => {
    const placeholder = PLACEHOLDER[lang] ?? { title: `Title of the article (${lang})`, body: 'Write the article here, in Markdown.' };
    const text = `---
title: ${quoted(placeholder.title)}
date: ${date}
translationKey: ${quoted(options.slug)}
slug: ${quoted(options.slug)}
categories: []
tags: []
# A draft is never published; remove this line (or set it to false) when the article is ready.
draft: true
---
${placeholder.body}
`;
    return { path: `${options.postsDir}/${lang}/${options.slug}.md`, text };
  });
}
