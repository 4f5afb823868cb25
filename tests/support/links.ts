/** What a reader of the published output can reach, and which of those links lead nowhere. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where a reader starts: the current feeds of each language, the index page and the OPML list. */
export function entryFiles(languages: readonly string[]): string[] {
  return [...languages.flatMap((lang) => ['rss.xml', 'atom.xml', 'feed.json'].map((name) => `${lang}/${name}`)), 'index.html', 'opml.xml'];
}

/**
 * Follows every link to a file of the output (`<feedsUrl>path`) from the
 * entry files that exist, and returns the links whose file is missing, as
 * `from -> to`.
 */
export function danglingLinks(outDir: string, feedsUrl: string, entries: readonly string[]): string[] {
  const escaped = feedsUrl.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // A URL ends where a quote, an angle bracket, an entity, white space or an escaped quote begins.
  const link = new RegExp(`${escaped}([^"'<>&\\s\\\\]+)`, 'g');
  const seen = new Set<string>();
  const queue = entries.filter((path) => existsSync(join(outDir, path)));
  const dangling: string[] = [];
  while (queue.length > 0) {
    const from = queue.pop() as string;
    if (seen.has(from)) continue;
    seen.add(from);
    const text = readFileSync(join(outDir, from), 'utf8');
    for (const match of text.matchAll(link)) {
      const to = (match[1] ?? '').endsWith('/') ? `${match[1] ?? ''}index.html` : (match[1] ?? '');
      if (!existsSync(join(outDir, to))) dangling.push(`${from} -> ${to}`);
      else if (/\.(xml|json|html)$/.test(to)) queue.push(to);
    }
  }
  return dangling;
}
