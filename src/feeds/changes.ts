/**
 * `<lang>/changes.json`: what changed in a language's feeds, for a monitor
 * that polls one small file instead of every feed: articles added, updated
 * (a new `updated`, or a correction the build dated) and deleted (expired,
 * withdrawn, removed), newest first, over the last `feeds.tombstoneDays`.
 * Made from the build's record of changes (see state/changes.ts), so every
 * build from the same record writes the same bytes. It names no feed: the
 * feeds link to it, and it is put in place before them, so a build cut short
 * leaves no link dangling either way.
 */
import type { SiteConfig } from '../config.js';
import type { Change } from '../state/changes.js';
import { outputUrl } from '../urls.js';
import { rfc3339 } from './feedAdapter.js';

export const CHANGES_FILE = 'changes.json';

/** Where a language's changes list is published. */
export function changesUrl(config: SiteConfig, lang: string): string {
  return outputUrl(config, `${lang}/${CHANGES_FILE}`);
}

/** The changes list of one language, from the build's changes (newest first). */
export function renderChanges(lang: string, changes: readonly Change[], config: SiteConfig): string {
  const list = {
    version: 1,
    language: lang,
    retention_days: config.feeds.tombstoneDays,
    changes: changes
      .filter((change) => change.lang === lang)
      .map((change) => ({
        type: change.type,
        id: change.id,
        ...(change.url === undefined ? {} : { url: change.url }),
        ...(change.title === undefined ? {} : { title: change.title }),
        when: rfc3339(new Date(change.when)),
        ...(change.reason === undefined ? {} : { reason: change.reason }),
      })),
  };
  return `${JSON.stringify(list, null, 2)}\n`;
}
