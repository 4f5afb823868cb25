import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
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
  readonly nextPublication?: string;
  readonly nextTick?: string;
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
    lines.push(`next publication change: ${status.nextPublication ?? 'none scheduled'}`);
    if (status.nextTick) lines.push(`next scheduled rebuild: ${status.nextTick}`);
  }
  return `${lines.join('\n')}\n`;
}
