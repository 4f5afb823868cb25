/**
 * `nashra schedule`: the long-lived edge around the Scheduler. It owns the
 * lock, the cron task, the file watcher, signals, logs, the status file and
 * WebSub notifications; everything it decides is delegated to pure code.
 */
import { mkdir } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import cron, { type ScheduledTask } from 'node-cron';
import { BuildSetupError, loadConfigFile, metChangingFile, prepareBuild, runBuild, type BuildPaths } from '../build.js';
import type { ThreadOutcome } from './buildProtocol.js';
import type { TimedPost } from './embargo.js';
import { BuildStoppedError, BuildThread } from './buildThread.js';
import type { SiteConfig } from '../config.js';
import { CacheMemory } from '../load/cache.js';
import { diagnosticFormatter, formatDiagnostic, type Diagnostic } from '../diagnostics.js';
import { FEED_FORMATS } from '../feeds/formats.js';
import { outputUrl } from '../urls.js';
import { translator, type Translate } from '../i18n/index.js';
import { englishText, message, MessageError, renderMessage, type Message } from '../i18n/message.js';
import { explainRefusal } from '../state/published.js';
import { acquireLock } from './lock.js';
import { Scheduler, systemClock, type BuildReason, type Prepared } from './scheduler.js';
import { lastErrorOf, nextPublicationOf, writeStatus, type SiteStatus } from './status.js';
import { watchInputs } from './watch.js';
import { notifyHub } from './websub.js';

export type LogFormat = 'human' | 'json';

export interface DaemonOptions {
  readonly paths: BuildPaths;
  readonly logFormat: LogFormat;
  /** Extra work started with the daemon and stopped with it, such as the HTTP server. */
  readonly companions?: readonly { close(): Promise<void> }[];
  readonly write?: (line: string) => void;
  /** See `BuildOptions.allowShrink`. */
  readonly allowShrink?: boolean;
  /** See `BuildOptions.cache`. */
  readonly cache?: boolean | undefined;
  /** The language of human log lines that have been translated (start, refusal, failure, stop); JSON lines stay English. */
  readonly translate?: Translate;
}

export const EXIT_LOCKED = 4;

/**
 * The most feed content held in memory by a build prepared ahead of a
 * publication moment; a build that changes more is made at the moment itself.
 */
const AHEAD_BYTES = 64 * 2 ** 20;

/** The longest a stop waits for a build that is renaming its files into place. */
const STOP_GRACE_MS = 1500;

/** `human`, when given, says `message` in the reader's language, for a human line. */
type LogRecord = { event: string; message: string; human?: (translate: Translate) => string } & Record<string, unknown>;

export function logger(format: LogFormat, write: (line: string) => void, translate: Translate = translator('en')) {
  return ({ human, ...record }: LogRecord): void => {
    const time = new Date().toISOString();
    write(format === 'json' ? JSON.stringify({ time, ...record }) : `${time} ${human ? human(translate) : record.message}`);
  };
}

/** A log record's words, in English and in the reader's language. */
function said(text: Message): Pick<LogRecord, 'message' | 'human'> {
  return { message: englishText(text), human: (translate) => renderMessage(text, translate) };
}

/** A diagnostic's log record: its English line, and its line in the reader's language. */
function diagnosticRecord(d: Diagnostic, line = formatDiagnostic(d)): LogRecord {
  return { event: 'diagnostic', message: line, human: (translate) => diagnosticFormatter(translate)(d) };
}

/** Runs until SIGTERM or SIGINT; resolves with the exit code. */
export async function runDaemon(options: DaemonOptions): Promise<number> {
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const log = logger(options.logFormat, write, options.translate);
  const outDir = resolve(options.paths.out);
  const stateDir = options.paths.state;
  await mkdir(outDir, { recursive: true });
  await mkdir(stateDir, { recursive: true });
  const lock = await acquireLock(stateDir, 'schedule');
  if (!lock.acquired) {
    log({ event: 'refused', ...said(message('schedule.refused', { command: lock.holder.command ?? 'process', pid: lock.holder.pid, out: outDir })), holder: lock.holder.pid });
    return EXIT_LOCKED;
  }
  // Listen before the first build: a signal during it must still end the process cleanly.
  const stopSignal = new Promise<NodeJS.Signals>((resolveSignal) => {
    process.once('SIGTERM', () => resolveSignal('SIGTERM'));
    process.once('SIGINT', () => resolveSignal('SIGINT'));
  });

  let config: SiteConfig;
  try {
    config = await loadConfigFile(options.paths.config);
  } catch (error) {
    await lock.lock.release();
    throw error;
  }

  let status: SiteStatus = { pid: process.pid, startedAt: new Date().toISOString() };
  let cronTask: ScheduledTask | undefined;
  const notifications = new Set<Promise<unknown>>();
  let statusWritten: Promise<void> = Promise.resolve();
  /** The last problem writing the status file, logged once until a write succeeds again. */
  let statusProblem: string | undefined;
  /**
   * Never fails: the status file is what `nashra status` reads, not the
   * feeds, so a write that fails (the state directory removed under it, a
   * full disk) is logged and the daemon goes on. It failed the build that
   * had just written the feeds ("the published files are unchanged"), and
   * after the first build it made the command itself fail.
   */
  const saveStatus = (update: Partial<SiteStatus>): Promise<void> => {
    status = { ...status, ...update, nextTick: cronTask?.getNextRun()?.toISOString() };
    const latest = status;
    // One write at a time, in order, so the file always ends with the latest status.
    statusWritten = statusWritten.then(() =>
      writeStatus(stateDir, latest).then(
        () => {
          statusProblem = undefined;
        },
        (error: unknown) => {
          const problem = error instanceof MessageError ? error.text : error instanceof Error ? error.message : String(error);
          const english = typeof problem === 'string' ? problem : englishText(problem);
          if (english === statusProblem) return;
          statusProblem = english;
          log({ event: 'status-unwritable', ...said(message('schedule.statusUnwritable', { problem })) });
        },
      ),
    );
    return statusWritten;
  };
  /** The warnings of the last build, by their English line: each is logged when it first appears, not at every build. */
  let warnedBefore = new Set<string>();
  const logDiagnostics = (diagnostics: readonly Diagnostic[]): void => {
    const warned = new Set<string>();
    let repeated = 0;
    for (const d of diagnostics) {
      const line = formatDiagnostic(d);
      if (d.severity === 'warning') warned.add(line);
      // An error holds a post back: it is said at every build until it is mended.
      if (d.severity === 'warning' && warnedBefore.has(line)) repeated += 1;
      else log(diagnosticRecord(d, line));
    }
    if (repeated > 0) log({ event: 'warnings-repeated', ...said(message('schedule.warningsRepeated', { count: repeated })), count: repeated });
    warnedBefore = warned;
  };
  /** The posts of the last build, to name what the next publication changes. */
  let builtPosts: readonly TimedPost[] = [];

  /** Records a finished build in the status file, the log and the WebSub hub; returns its posts. */
  const reportBuild = async (now: Date, reason: BuildReason, started: number, outcome: ThreadOutcome, preparedMs?: number) => {
    config = outcome.config;
    if (outcome.refusals.length > 0) throw new BuildSetupError(message('errors.all', { reasons: outcome.refusals.map(explainRefusal) }), outcome.diagnostics);
    const feedsChanged = outcome.report?.written ?? [];
    const durationMs = Math.round(performance.now() - started);
    const posts = Object.entries(outcome.livePerLanguage).map(([lang, count]) => `${lang} ${count}`);
    // The status file first: once the log line is out, the build is fully recorded.
    await saveStatus({
      lastBuild: { at: now.toISOString(), reason, ok: !outcome.failed, durationMs, posts: outcome.livePerLanguage, feedsChanged, skipped: outcome.skippedFiles },
      // Shown exactly while a post has an error: the first good build clears it.
      lastError: outcome.failed ? lastErrorOf(now, message('status.postsWithErrors', { count: outcome.skippedFiles.length }), outcome.diagnostics) : undefined,
    });
    log({
      event: 'build',
      ...said(
        message('schedule.built', {
          reason: message(`status.reason.${reason}`),
          posts,
          changed: message('status.feedsChanged', { count: feedsChanged.length }),
          skipped: message('cli.skipped', { count: outcome.skippedFiles.length }),
          duration: message('status.milliseconds', { ms: durationMs }),
          prepared: preparedMs === undefined ? '' : message('schedule.preparedAhead', { ms: preparedMs }),
        }),
      ),
      reason,
      // The moment the build published for, which the log line's own time follows by the build's duration.
      at: now.toISOString(),
      ok: !outcome.failed,
      posts: outcome.livePerLanguage,
      feedsChanged,
      skipped: outcome.skippedFiles,
      durationMs,
      ...(preparedMs === undefined ? {} : { preparedMs }),
    });
    logDiagnostics(outcome.diagnostics);
    announce(config, feedsChanged);
    builtPosts = outcome.posts;
    return outcome.posts;
  };

  /** Records a failed build; throws the error on. */
  const reportFailure = async (now: Date, reason: BuildReason, started: number, error: unknown): Promise<never> => {
    const problem = error instanceof Error ? error.message : String(error);
    if (error instanceof BuildStoppedError) {
      log({ event: 'build-stopped', ...said(message('schedule.stoppedBuild', { reason: message(`status.reason.${reason}`), problem: error instanceof MessageError ? error.text : problem })), reason });
      throw error;
    }
    const lastBuild = { at: now.toISOString(), reason, ok: false, durationMs: Math.round(performance.now() - started), posts: {}, feedsChanged: [], skipped: [] };
    const cause = error instanceof MessageError ? error.text : problem;
    await saveStatus({ lastBuild, lastError: lastErrorOf(now, typeof cause === 'string' ? message('errors.all', { reasons: cause }) : cause, error instanceof BuildSetupError ? error.diagnostics : []) }).catch(() => undefined);
    log({ event: 'build-failed', ...said(message('schedule.buildFailed', { reason, problem: cause })), reason, error: problem });
    if (error instanceof BuildSetupError) for (const d of error.diagnostics) log(diagnosticRecord(d));
    throw error;
  };

  // Used when there is no build thread: the records of the last build, kept for the next.
  const memory = new CacheMemory();
  const thread = BuildThread.start(options.paths, { allowShrink: options.allowShrink ?? false, cache: options.cache ?? true, aheadBytes: AHEAD_BYTES });

  let held = lock.lock;
  /**
   * Before each build: the lock still this process's, or taken again (the
   * state directory was removed under it, and a `nashra build` may have run
   * and been killed meanwhile: true, so the build sweeps the temporary files
   * such a process left). While another live process holds it, no build is
   * made: a MessageError says whose it is.
   */
  const keepLock = async (): Promise<boolean> => {
    if (await held.stillHeld()) return false;
    await mkdir(stateDir, { recursive: true });
    const again = await acquireLock(stateDir, 'schedule');
    if (!again.acquired) throw new MessageError(message('schedule.lockTaken', { command: again.holder.command ?? 'process', pid: again.holder.pid, out: outDir }));
    held = again.lock;
    log({ event: 'lock-taken-again', ...said(message('schedule.lockTakenAgain', { path: held.path })) });
    return true;
  };

  const build = async (now: Date, reason: BuildReason) => {
    const started = performance.now();
    try {
      const sweep = await keepLock();
      const outcome = thread ? await thread.build(now, sweep) : await runBuild(options.paths, now, { allowShrink: options.allowShrink, cache: options.cache, memory });
      return await reportBuild(now, reason, started, outcome);
    } catch (error) {
      return reportFailure(now, reason, started, error);
    }
  };

  /** The build for a publication moment, made now and written at that moment. */
  const prepare = async (at: Date): Promise<Prepared | undefined> => {
    const started = performance.now();
    let commit: (() => Promise<ThreadOutcome>) | undefined;
    try {
      const sweep = await keepLock();
      if (thread) {
        if (await thread.prepare(at, sweep)) commit = () => thread.commit();
      } else {
        const prepared = await prepareBuild(options.paths, at, { allowShrink: options.allowShrink, cache: options.cache, aheadBytes: AHEAD_BYTES, memory });
        if (prepared) commit = () => prepared.commit();
      }
    } catch (error) {
      const problem = error instanceof MessageError ? error.text : error instanceof Error ? error.message : String(error);
      log({ event: 'prepare-failed', ...said(message('schedule.prepareFailed', { at: at.toISOString(), problem })), at: at.toISOString() });
      return undefined;
    }
    const preparedMs = Math.round(performance.now() - started);
    if (!commit) {
      log({ event: 'prepare-skipped', ...said(message('schedule.prepareSkipped', { at: at.toISOString(), mib: AHEAD_BYTES / 2 ** 20 })), at: at.toISOString() });
      return undefined;
    }
    log({ event: 'prepared', ...said(message('schedule.prepared', { at: at.toISOString(), ms: preparedMs })), at: at.toISOString(), durationMs: preparedMs });
    const write = commit;
    return {
      commit: async () => {
        const committing = performance.now();
        try {
          return await reportBuild(at, 'publication', committing, await write(), preparedMs);
        } catch (error) {
          return reportFailure(at, 'publication', committing, error);
        }
      },
    };
  };

  const announce = (current: SiteConfig, written: readonly string[]) => {
    const hub = current.websub?.hub;
    const feedFiles = new Set(FEED_FORMATS.map((format) => format.fileName));
    const topics = written.filter((path) => feedFiles.has(basename(path))).map((path) => outputUrl(current, path));
    if (!hub || topics.length === 0) return;
    const notification = notifyHub(hub, topics).then((result) => {
      log({ event: 'websub', message: result.ok ? `notified ${hub} of ${topics.length} feeds` : `could not notify ${hub}: ${result.error ?? ''}`, ...result, topics });
    });
    notifications.add(notification);
    void notification.finally(() => notifications.delete(notification));
  };

  const scheduler = new Scheduler({
    clock: systemClock,
    build,
    debounceMs: config.schedule.debounceMs,
    retryable: metChangingFile,
    prepare,
    // Planned after each build: written at once, so the status never names a moment that has passed.
    onPlanned: (next) => void saveStatus({ nextPublication: nextPublicationOf(builtPosts, next, config.timeZone) }).catch(() => undefined),
  });

  const startCron = (expression: string, timeZone: string) => {
    void cronTask?.destroy();
    cronTask = cron.schedule(expression, () => void scheduler.request('tick'), { timezone: timeZone, noOverlap: true, name: 'nashra-rebuild' });
  };
  startCron(config.schedule.cron, config.timeZone);

  const watcher = await watchInputs(options.paths, { changed: () => scheduler.changed(), notice: (event, message) => log({ event, message }) });
  log({ event: 'start', ...said(message('schedule.started', { pid: process.pid, cron: config.schedule.cron })), cron: config.schedule.cron });

  const firstBuild = scheduler.request('start').then(() => saveStatus({}));
  await Promise.race([firstBuild, stopSignal]);

  // A config edit may change the schedule itself.
  let activeCron = `${config.schedule.cron}|${config.timeZone}`;
  const refreshCron = setInterval(() => {
    const wanted = `${config.schedule.cron}|${config.timeZone}`;
    if (wanted !== activeCron) {
      activeCron = wanted;
      startCron(config.schedule.cron, config.timeZone);
      log({ event: 'reschedule', ...said(message('schedule.rescheduled', { cron: config.schedule.cron })), cron: config.schedule.cron });
    }
  }, 1000);

  const signal = await stopSignal;
  log({ event: 'stop', ...said(message('schedule.stopping', { signal })) });
  clearInterval(refreshCron);
  void cronTask?.destroy();
  await watcher.close();
  const stopping = scheduler.stop();
  // A build that has not begun putting files in place is stopped now rather than waited for.
  await thread?.stop(STOP_GRACE_MS);
  await stopping;
  // WebSub pings in flight get a moment to finish; the wait itself must not hold the process open.
  await Promise.race([Promise.allSettled([...notifications]), new Promise((r) => setTimeout(r, 2000).unref())]);
  for (const companion of options.companions ?? []) await companion.close();
  // Only its own: a lock another process took while this one could not build is that process's.
  if (await held.stillHeld()) await held.release();
  log({ event: 'stopped', ...said(message('schedule.stopped')) });
  return 0;
}
