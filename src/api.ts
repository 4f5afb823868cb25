/**
 * nashra as a library: what `nashra build` does (take the site's lock, build,
 * write atomically, record the status), with the result as data instead of
 * printed lines. The CLI is this function plus printing, so the two cannot
 * drift apart.
 */
import { mkdir } from 'node:fs/promises';
import { BuildSetupError, reuseUnchangedBuild, runBuild, type BuildPaths, type BuildSummary } from './build.js';
import { DEFAULT_CONFIG_FILE } from './config.js';
import type { Diagnostic } from './diagnostics.js';
import { englishText, message, MessageError, type Message } from './i18n/message.js';
import { EXIT, type ExitCode } from './exitCodes.js';
import type { BuildPhase } from './pipeline.js';
import { acquireLock } from './schedule/lock.js';
import { planCounts, type PlanState } from './schedule/plan.js';
import { lastErrorOf, writeStatus, type LastBuild } from './schedule/status.js';
import { explainRefusal } from './state/published.js';
import { resolveStateDir, stateDirProblem } from './state/store.js';
import { WriteError } from './write/output.js';

export interface BuildOptions {
  /** The site's config file; default `nashra.config.yaml`. */
  readonly config?: string;
  /** The folder holding `<lang>/*.md`; default `posts`. */
  readonly posts?: string;
  /** Where the feeds are written; default `feeds`. */
  readonly out?: string;
  /** The private state directory; default `.nashra/` beside the config. */
  readonly stateDir?: string;
  /** The clock against which date, publishAt and expires are judged; default now. */
  readonly now?: Date;
  /** Write nothing when any post has an error. */
  readonly strict?: boolean;
  /** Publish even when vanished files would empty or shrink a language beyond `maxShrink`. */
  readonly allowShrink?: boolean;
  /** False loads every post afresh, neither reading nor updating the load cache. */
  readonly cache?: boolean;
  /** Called as posts load: how many so far, and how many there are when known. */
  readonly onLoad?: (done: number, total: number) => void;
  /** Called as each later phase starts (relate, render, write), with how many posts it concerns; never when the output in place is reused. */
  readonly onPhase?: (phase: BuildPhase, posts: number) => void;
  /** Called once the last build's result is found not to hold, before anything is loaded: a build follows. */
  readonly onBuild?: () => void;
}

export interface BuildResult {
  /** What `nashra build` exits with: 0 when everything was published. */
  readonly exitCode: ExitCode;
  /** Every post diagnostic (file, line, column, field), errors and warnings, in file order. */
  readonly diagnostics: readonly Diagnostic[];
  /** Why nothing, or not everything, was published, when that is not a post's diagnostic. */
  readonly problems: readonly string[];
  /** The same sentences as messages, to print them in another language (see `renderMessage`). */
  readonly problemTexts: readonly Message[];
  /** Published posts per language. */
  readonly posts: Readonly<Record<string, number>>;
  /** Output files written, and left as they were, relative to `out`. */
  readonly written: readonly string[];
  readonly unchanged: readonly string[];
  /** Post files skipped for their errors. */
  readonly skipped: readonly string[];
  /** Valid posts the feeds do not carry at this build's clock, by why (see `nashra plan`). */
  readonly held: Readonly<Record<PlanState, number>>;
  /**
   * Whether the build found everything as the last complete build left it
   * (post files, config, static files, record, output) within the time that
   * build's plan holds for, and gave its result without loading a post.
   */
  readonly reusedLastBuild: boolean;
}

/** The paths of a build, refused before anything (a lock, a status) is written to a misplaced state directory. */
export function buildPaths(options: Pick<BuildOptions, 'config' | 'posts' | 'out' | 'stateDir'>): BuildPaths {
  const config = options.config ?? DEFAULT_CONFIG_FILE;
  const paths = { config, posts: options.posts ?? 'posts', out: options.out ?? 'feeds', state: resolveStateDir(options.stateDir, config) };
  const misplaced = stateDirProblem(paths.state, paths.out, paths.posts);
  if (misplaced) throw new BuildSetupError(misplaced);
  return paths;
}

/**
 * Builds the site's feeds, as `nashra build` does. A config or posts folder
 * that cannot be used is a result with exit code 2 and its diagnostics, not
 * an exception; only a programming error throws.
 */
export async function build(options: BuildOptions = {}): Promise<BuildResult> {
  try {
    const paths = buildPaths(options);
    await mkdir(paths.state, { recursive: true });
    const lock = await acquireLock(paths.state, 'build');
    if (!lock.acquired) return failure(EXIT.locked, message('errors.locked', { command: lock.holder.command ?? 'process', pid: lock.holder.pid }));
    try {
      return await buildLocked(options, paths, options.now ?? new Date());
    } finally {
      await lock.lock.release();
    }
  } catch (error) {
    if (error instanceof BuildSetupError) return failure(EXIT.usage, error.text, error.diagnostics);
    throw error;
  }
}

function failure(exitCode: ExitCode, problem: Message, diagnostics: readonly Diagnostic[] = []): BuildResult {
  return { exitCode, diagnostics, ...problemsOf([problem]), posts: {}, written: [], unchanged: [], skipped: [], held: planCounts([]), reusedLastBuild: false };
}

function problemsOf(texts: readonly Message[]): Pick<BuildResult, 'problems' | 'problemTexts'> {
  return { problems: texts.map(englishText), problemTexts: texts };
}

async function buildLocked(options: BuildOptions, paths: BuildPaths, now: Date): Promise<BuildResult> {
  const started = performance.now();
  const record = (lastBuild: Omit<LastBuild, 'durationMs' | 'reason' | 'at'>, problem?: { text: Message; problems: readonly Diagnostic[] }) =>
    writeStatus(paths.state, {
      lastBuild: { at: now.toISOString(), reason: 'build', durationMs: Math.round(performance.now() - started), ...lastBuild },
      ...(problem ? { lastError: lastErrorOf(now, problem.text, problem.problems) } : {}),
    }).catch(() => undefined);
  let outcome: BuildSummary;
  let reusedLastBuild = false;
  try {
    const reuse = options.cache === false ? undefined : await reuseUnchangedBuild(paths, now, options);
    reusedLastBuild = reuse?.summary !== undefined;
    if (!reusedLastBuild) options.onBuild?.();
    outcome = reuse?.summary ?? (await runBuild(paths, now, { strict: options.strict, allowShrink: options.allowShrink, cache: options.cache, onLoad: options.onLoad, ...(options.onPhase ? { onPhase: options.onPhase } : {}), ...(reuse ? { manifest: reuse.manifest } : {}), ...(reuse?.listing ? { listing: reuse.listing } : {}) }));
  } catch (error) {
    const setup = error instanceof BuildSetupError;
    const text = setup ? error.text : error instanceof WriteError ? error.namedFrom(process.cwd()).text : message('errors.cannotWrite', { out: paths.out, detail: error instanceof MessageError ? error.text : error instanceof Error ? error.message : String(error) });
    await record({ ok: false, posts: {}, feedsChanged: [], skipped: [] }, { text, problems: setup ? error.diagnostics : [] });
    if (setup) throw error;
    return failure(EXIT.io, text);
  }
  const summary = { ok: !outcome.failed && outcome.report !== undefined, posts: outcome.livePerLanguage, feedsChanged: outcome.report?.written ?? [], skipped: outcome.skippedFiles };
  const result = {
    diagnostics: outcome.diagnostics,
    posts: outcome.livePerLanguage,
    written: outcome.report?.written ?? [],
    unchanged: outcome.report?.unchanged ?? [],
    skipped: outcome.skippedFiles,
    held: outcome.held,
    reusedLastBuild,
  };
  if (outcome.refusals.length > 0) {
    const reasons = outcome.refusals.map(explainRefusal);
    await record({ ...summary, ok: false }, { text: message('errors.all', { reasons }), problems: outcome.diagnostics });
    return { ...result, exitCode: EXIT.refused, ...problemsOf(reasons) };
  }
  await record(summary, outcome.failed ? { text: message('status.postsWithErrors', { count: outcome.skippedFiles.length }), problems: outcome.diagnostics } : undefined);
  if (!outcome.report) return { ...result, exitCode: EXIT.postErrors, ...problemsOf([message('errors.strictNothingWritten')]) };
  return { ...result, exitCode: outcome.failed ? EXIT.postErrors : EXIT.ok, ...problemsOf([]) };
}
