/**
 * The edge around the pure pipeline: read the config and posts from disk,
 * build, write atomically. Shared by `nashra build` and the scheduler daemon.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseConfig, type SiteConfig } from './config.js';
import { hasErrors, type Diagnostic } from './diagnostics.js';
import { diskSource, type DiskSource } from './load/readPosts.js';
import { SourceChangedError } from './load/source.js';
import type { Post } from './model.js';
import { planSite } from './pipeline.js';
import { writeOutputs, type WriteReport } from './write/output.js';

export interface BuildPaths {
  readonly config: string;
  readonly posts: string;
  readonly out: string;
}

/** A problem that stops a build before any output: an unreadable or invalid config, a missing posts directory. */
export class BuildSetupError extends Error {
  constructor(
    message: string,
    readonly diagnostics: readonly Diagnostic[] = [],
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * Whether a failed build met a post changing or vanishing between being
 * listed, loaded and rendered: building again once the files are quiet reads
 * them whole, so the daemon retries such a build rather than wait for a tick.
 */
export function metChangingFile(error: unknown): boolean {
  if (error instanceof BuildSetupError) return error.cause instanceof SourceChangedError;
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

export interface BuildOutcome {
  readonly config: SiteConfig;
  readonly diagnostics: Diagnostic[];
  readonly posts: Post[];
  readonly livePerLanguage: Record<string, number>;
  readonly skippedFiles: string[];
  /** Undefined when nothing was written (`--strict` with errors). */
  readonly report?: WriteReport;
  readonly failed: boolean;
}

export async function loadConfigFile(path: string): Promise<SiteConfig> {
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new BuildSetupError(`cannot read config ${path}: ${error.code ?? error.message}`);
  });
  const { config, diagnostics } = parseConfig(text, path);
  if (!config) throw new BuildSetupError(`config ${path} is not valid`, diagnostics);
  return config;
}

/** The post files under the posts directory, listed now and read as they are loaded; a missing directory is a setup error. */
export function openPostsDir(path: string): DiskSource {
  try {
    return diskSource(resolve(path), process.cwd());
  } catch (error) {
    throw new BuildSetupError(`cannot read posts directory ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

export async function runBuild(
  paths: BuildPaths,
  now: Date,
  options: { strict?: boolean; onLoad?: (done: number, total: number) => void } = {},
): Promise<BuildOutcome> {
  const config = await loadConfigFile(paths.config);
  const source = openPostsDir(paths.posts);
  const result = planSite(source, config, now, (done) => options.onLoad?.(done, source.count));
  const failed = hasErrors(result.diagnostics);
  const report = failed && options.strict ? undefined : await writeOutputs(resolve(paths.out), result.outputs).catch((error: unknown) => {
    // Raised before the first file is written (see generateOutputs), so the previous feeds stand.
    if (error instanceof SourceChangedError) throw new BuildSetupError(error.message, [], { cause: error });
    throw error;
  });
  return { config, diagnostics: result.diagnostics, posts: result.posts, livePerLanguage: result.livePerLanguage, skippedFiles: result.skippedFiles, report, failed };
}
