import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import type { Post } from '../model.js';
import { writeOutputs } from '../write/output.js';

/** In the state directory, never in the published output: it names processes, paths and errors. */
export const STATUS_FILE = 'status.json';

export interface LastBuild {
  readonly at: string;
  readonly reason: string;
  readonly ok: boolean;
  readonly durationMs: number;
  readonly posts: Record<string, number>;
  readonly feedsChanged: readonly string[];
  readonly skipped: readonly string[];
}

export interface LastError {
  readonly at: string;
  readonly message: string;
  readonly diagnostics: readonly string[];
}

/**
 * What the last build did, recorded by `nashra build` and by the daemon
 * after every build; `nashra status` prints it. `lastError` is there exactly
 * while the last build had a problem: a good build clears it.
 */
export interface SiteStatus {
  /** The daemon's process, when a daemon wrote this. */
  readonly pid?: number;
  readonly startedAt?: string;
  readonly lastBuild?: LastBuild;
  readonly lastError?: LastError;
  /** The next moment a post enters or leaves the feeds, while one is planned; gone once it has passed. */
  readonly nextPublication?: NextPublication;
  readonly nextTick?: string;
}

export interface NextPublication {
  /** The moment, in the site's time zone (ISO 8601 with that zone's offset). */
  readonly at: string;
  readonly timeZone: string;
  /** The posts that enter (`publish`) or leave (`expire`) the feeds then. */
  readonly posts: readonly PlannedChange[];
}

export interface PlannedChange {
  readonly change: 'publish' | 'expire';
  readonly path: string;
  readonly lang: string;
  readonly title: string;
}

/**
 * What the daemon plans to publish at `at` (see `nextPublicationChange`):
 * the moment in the site's time zone and every post that enters or leaves
 * the feeds then. Undefined when nothing is planned.
 */
export function nextPublicationOf(posts: readonly Post[], at: Date | undefined, timeZone: string): NextPublication | undefined {
  if (!at) return undefined;
  const changes = posts.flatMap((post): PlannedChange[] => {
    if (post.draft) return [];
    const change = post.publishAt?.getTime() === at.getTime() ? 'publish' : post.expires?.getTime() === at.getTime() ? 'expire' : undefined;
    return change ? [{ change, path: post.sourcePath, lang: post.lang, title: post.title }] : [];
  });
  const local = DateTime.fromJSDate(at, { zone: timeZone }).toISO({ suppressMilliseconds: true }) ?? at.toISOString();
  return { at: local, timeZone, posts: changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)) };
}

export async function readStatus(stateDir: string): Promise<SiteStatus | undefined> {
  try {
    return JSON.parse(await readFile(join(stateDir, STATUS_FILE), 'utf8')) as SiteStatus;
  } catch {
    return undefined;
  }
}

export async function writeStatus(stateDir: string, status: SiteStatus): Promise<void> {
  await writeOutputs(stateDir, [{ path: STATUS_FILE, content: `${JSON.stringify(status, null, 2)}\n` }]);
}

export function formatStatus(status: SiteStatus): string {
  const lines = [status.pid !== undefined ? `daemon pid ${status.pid}, started ${status.startedAt ?? '?'}` : 'last written by nashra build'];
  const build = status.lastBuild;
  if (build) {
    const posts = Object.entries(build.posts).map(([lang, count]) => `${lang} ${count}`).join(', ');
    lines.push(`last build: ${build.at} (${build.reason}) ${build.ok ? 'ok' : 'with errors'}; posts ${posts}; ${build.feedsChanged.length} feeds changed; ${build.skipped.length} skipped; ${build.durationMs} ms`);
  } else {
    lines.push('last build: none yet');
  }
  if (status.lastError) {
    lines.push(`last error: ${status.lastError.at} ${status.lastError.message}`);
    for (const diagnostic of status.lastError.diagnostics) lines.push(`  ${diagnostic}`);
  }
  if (status.pid !== undefined) {
    lines.push(`next publication change: ${describeNext(status.nextPublication)}`);
    if (status.nextTick) lines.push(`next scheduled rebuild: ${status.nextTick}`);
  }
  return `${lines.join('\n')}\n`;
}

/** `next` as written by this version, or by an earlier one that wrote the bare moment. */
function describeNext(next: NextPublication | string | undefined): string {
  if (!next) return 'none scheduled';
  if (typeof next === 'string') return next;
  const posts = next.posts.map((post) => `${post.change} ${post.path} "${post.title}"`);
  return [`${next.at} (${next.timeZone})`, ...posts].join('\n  ');
}
