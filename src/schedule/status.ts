import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export const STATUS_FILE = 'status.json';

/** What the daemon records in the output directory after every build; `nashra status` prints it. */
export interface DaemonStatus {
  readonly pid: number;
  readonly startedAt: string;
  readonly lastBuild?: {
    readonly at: string;
    readonly reason: string;
    readonly ok: boolean;
    readonly durationMs: number;
    readonly posts: Record<string, number>;
    readonly feedsChanged: readonly string[];
    readonly skipped: readonly string[];
  };
  readonly lastError?: { readonly at: string; readonly message: string; readonly diagnostics: readonly string[] };
  readonly nextPublication?: string;
  readonly nextTick?: string;
}

export async function readStatus(outDir: string): Promise<DaemonStatus | undefined> {
  try {
    return JSON.parse(await readFile(join(outDir, STATUS_FILE), 'utf8')) as DaemonStatus;
  } catch {
    return undefined;
  }
}

export function formatStatus(status: DaemonStatus): string {
  const lines = [`daemon pid ${status.pid}, started ${status.startedAt}`];
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
  lines.push(`next publication change: ${status.nextPublication ?? 'none scheduled'}`);
  if (status.nextTick) lines.push(`next scheduled rebuild: ${status.nextTick}`);
  return `${lines.join('\n')}\n`;
}
