/**
 * What the generated pages share: one style sheet, the Copy script, and the
 * row that shows a feed address to copy into a reader. Both pages are plain
 * HTML with every value escaped; the script only enhances them.
 */
import type { Translate } from '../i18n/index.js';
import { escapeHtml } from '../text.js';
import { formatLabel, type FeedListing } from './listing.js';

export const PAGE_CSS = `:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #ffffff; color: #1b1b1b; font: 1.0625rem/1.6 system-ui, -apple-system, "Segoe UI", "Noto Sans", "Noto Sans Arabic", "DejaVu Sans", sans-serif; }
header, main { max-width: 52rem; margin: 0 auto; padding: 0 1.25rem; }
header { padding-top: 1.5rem; }
h1 { font-size: 1.9rem; line-height: 1.25; margin: 0 0 0.5rem; }
h2 { font-size: 1.5rem; margin: 0 0 0.5rem; }
h3 { font-size: 1.15rem; margin: 1.5rem 0 0.5rem; }
h4 { font-size: 1rem; margin: 0 0 0.35rem; }
a { color: #0b50c0; }
a:visited { color: #5b2d9c; }
:focus-visible { outline: 3px solid #0b50c0; outline-offset: 2px; }
.languages ul { display: flex; gap: 1rem; list-style: none; margin: 0 0 1rem; padding: 0; }
section { margin: 1.5rem 0 2.5rem; padding: 1.25rem 1.5rem; border: 1px solid #c5d3e8; border-radius: 0.6rem; background: #fbfcfe; }
.feeds { list-style: none; margin: 0; padding: 0; }
.feed { margin: 0 0 1rem; padding: 0.75rem 1rem; border: 1px solid #dde3ec; border-radius: 0.4rem; background: #ffffff; }
.depth-2 { margin-inline-start: 1.5rem; }
.depth-3 { margin-inline-start: 3rem; }
.depth-4 { margin-inline-start: 4.5rem; }
.formats { list-style: none; margin: 0; padding: 0; }
.formats li { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem; margin: 0.3rem 0; }
.format { flex: 0 0 6.5rem; font-weight: 600; }
.address { flex: 1 1 18rem; min-width: 0; padding: 0.3rem 0.5rem; border: 1px solid #8a9bb5; border-radius: 0.3rem; background: #f6f8fb; color: #1b1b1b; font: 0.9rem ui-monospace, "DejaVu Sans Mono", monospace; }
.copy { padding: 0.3rem 0.9rem; border: 1px solid #0b50c0; border-radius: 0.3rem; background: #0b50c0; color: #ffffff; font: inherit; font-size: 0.9rem; cursor: pointer; }
.copy:hover { background: #083d93; }
.snippet { margin: 0; padding: 0.75rem 1rem; border: 1px solid #c5d3e8; border-radius: 0.4rem; background: #f6f8fb; white-space: pre-wrap; overflow-wrap: anywhere; font: 0.85rem/1.5 ui-monospace, "DejaVu Sans Mono", monospace; text-align: left; }
p code { padding: 0 0.2em; border-radius: 0.2em; background: #eef2f8; font: 0.92em ui-monospace, "DejaVu Sans Mono", monospace; }
.copy-status { min-height: 1.5em; margin: 0.5rem 0 0; color: #1f5f2a; font-weight: 600; }
.feed-page header p { margin: 0.25rem 0; }
.badge { display: inline-block; margin: 0 0 0.5rem; padding: 0.1rem 0.6rem; border-radius: 1rem; background: #e4ecf8; color: #123a75; font-size: 0.85rem; font-weight: 600; }
.items { list-style: none; margin: 0; padding: 0; }
.items > li { margin: 0 0 1.25rem; padding: 1rem 1.25rem; border: 1px solid #dde3ec; border-radius: 0.5rem; background: #ffffff; }
.items h3 { margin: 0 0 0.35rem; }
.meta { margin: 0 0 0.5rem; color: #4a4a4a; font-size: 0.92rem; }
.items img { display: block; max-width: 100%; height: auto; margin: 0.5rem 0; border-radius: 0.3rem; }
.translations { margin: 0.5rem 0 0; font-size: 0.92rem; }
.latest { list-style: none; margin: 0; padding: 0; }
.latest li { margin: 0 0 0.6rem; }
footer { max-width: 52rem; margin: 0 auto 2rem; padding: 0 1.25rem; color: #4a4a4a; font-size: 0.92rem; }
`;

/**
 * Shows the Copy buttons (they are hidden without a script) and copies the
 * address next to each one, announcing the result in the section's language.
 */
export const COPY_SCRIPT = `
for (const button of document.querySelectorAll('button[data-copy]')) {
  const input = document.getElementById(button.dataset.copy);
  const status = button.closest('section')?.querySelector('.copy-status');
  if (!input || !status) continue;
  button.hidden = false;
  button.addEventListener('click', async () => {
    input.focus();
    input.select();
    let copied = false;
    try {
      await navigator.clipboard.writeText(input.value);
      copied = true;
    } catch {
      copied = document.execCommand('copy');
    }
    status.textContent = copied ? status.dataset.copied : status.dataset.failed;
  });
}
`;

/**
 * One format of a feed: its name linked to the file (relative, so a preview
 * stays on the server that serves it), and its public address to copy.
 */
export function addressRow(t: Translate, listing: FeedListing, id: string, href: string): string {
  const label = formatLabel(t, listing);
  const address = t('page.index.address', { format: label, feed: listing.title });
  return [
    '<li>',
    `<a class="format" href="${escapeHtml(href)}" type="${escapeHtml(listing.mediaType)}" hreflang="${escapeHtml(listing.lang)}">${escapeHtml(label)}</a>`,
    `<input id="${id}" class="address" type="url" dir="ltr" readonly value="${escapeHtml(listing.url)}" aria-label="${escapeHtml(address)}">`,
    `<button type="button" class="copy" data-copy="${id}" aria-describedby="${id}" hidden>${escapeHtml(t('page.index.copy'))}</button>`,
    '</li>',
  ].join('');
}

export interface PageParts {
  readonly lang: string;
  readonly direction: 'ltr' | 'rtl';
  readonly title: string;
  readonly description?: string;
  readonly generator: string;
  /** Elements of the head after the fixed ones, such as the feeds' `<link rel="alternate">`. */
  readonly head: readonly string[];
  readonly bodyClass?: string;
  /** The body's lines, before the Copy script; empty lines are left out. */
  readonly body: readonly string[];
}

/** A whole page: the head every generated page has, the body, the Copy script. */
export function renderPage(parts: PageParts): string {
  return [
    '<!DOCTYPE html>',
    `<html lang="${escapeHtml(parts.lang)}" dir="${parts.direction}">`,
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(parts.title)}</title>`,
    parts.description ? `<meta name="description" content="${escapeHtml(parts.description)}">` : '',
    `<meta name="generator" content="${escapeHtml(parts.generator)}">`,
    '<link rel="icon" href="data:,">',
    ...parts.head,
    `<style>${PAGE_CSS}</style>`,
    '</head>',
    parts.bodyClass ? `<body class="${parts.bodyClass}">` : '<body>',
    ...parts.body,
    `<script>${COPY_SCRIPT}</script>`,
    '</body>',
    '</html>',
  ]
    .filter((line) => line !== '')
    .join('\n')
    .concat('\n');
}
