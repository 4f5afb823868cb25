/**
 * `nashra schedule`: the long-lived edge around the Scheduler. It owns the
 * lock, the cron task, the file watcher, signals, logs, the status file and
 * WebSub notifications; everything it decides is delegated to pure code.
 */
import { mkdir } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import cron, { type ScheduledTask } from 'node-cron';
import { BuildSetupError, loadConfigFile, metChangingFile, runBuild, type BuildPaths } from '../build.js';
import type { SiteConfig } from '../config.js';
import { formatDiagnostic } from '../diagnostics.js';
import { FEED_FORMATS } from '../feeds/formats.js';
import { outputUrl } from '../urls.js';
import { explainRefusal } from '../state/published.js';
import { acquireLock } from './lock.js';
import { Scheduler, systemClock, type BuildReason } from './scheduler.js';
import { writeStatus, type SiteStatus } from './status.js';
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
}

export const EXIT_LOCKED = 4;

type LogRecord = { event: string; message: string } & Record<string, unknown>;

export function logger(format: LogFormat, write: (line: string) => void) {
  return (record: LogRecord): void => {
    const time = new Date().toISOString();
    write(format === 'json' ? JSON.stringify({ time, ...record }) : `${time} ${record.message}`);
  };
}

/** Runs until SIGTERM or SIGINT; resolves with the exit code. */
export async function runDaemon(options: DaemonOptions): Promise<number> {
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const log = logger(options.logFormat, write);
  const outDir = resolve(options.paths.out);
  const stateDir = options.paths.state;
  await mkdir(outDir, { recursive: true });
  await mkdir(stateDir, { recursive: true });
  const lock = await acquireLock(stateDir, 'schedule');
  if (!lock.acquired) {
    const holder = `nashra ${lock.holder.command ?? 'process'} (pid ${lock.holder.pid})`;
    log({ event: 'refused', message: `another ${holder} is publishing this site (${outDir}); not starting`, holder: lock.holder.pid });
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
  const saveStatus = async (update: Partial<SiteStatus>) => {
    status = { ...status, ...update, nextTick: cronTask?.getNextRun()?.toISOString() };
    await writeStatus(stateDir, status);
  };

  const build = async (now: Date, reason: BuildReason) => {
    const started = performance.now();
    try {
      const outcome = await runBuild(options.paths, now, { allowShrink: options.allowShrink, cache: options.cache });
      config = outcome.config;
      if (outcome.refusals.length > 0) throw new BuildSetupError(outcome.refusals.map(explainRefusal).join('; '), outcome.diagnostics);
      const feedsChanged = outcome.report?.written ?? [];
      const durationMs = Math.round(performance.now() - started);
      const diagnostics = outcome.diagnostics.map(formatDiagnostic);
      const posts = Object.entries(outcome.livePerLanguage).map(([lang, count]) => `${lang} ${count}`).join(', ');
      // The status file first: once the log line is out, the build is fully recorded.
      await saveStatus({
        lastBuild: { at: now.toISOString(), reason, ok: !outcome.failed, durationMs, posts: outcome.livePerLanguage, feedsChanged, skipped: outcome.skippedFiles },
        // Shown exactly while a post has an error: the first good build clears it.
        lastError: outcome.failed ? { at: now.toISOString(), message: `${outcome.skippedFiles.length} posts with errors`, diagnostics } : undefined,
      });
      log({
        event: 'build',
        message: `build (${reason}): posts ${posts}; ${feedsChanged.length} feeds changed; ${outcome.skippedFiles.length} skipped; ${durationMs} ms`,
        reason,
        // The moment the build published for, which the log line's own time follows by the build's duration.
        at: now.toISOString(),
        ok: !outcome.failed,
        posts: outcome.livePerLanguage,
        feedsChanged,
        skipped: outcome.skippedFiles,
        durationMs,
      });
      for (const line of diagnostics) log({ event: 'diagnostic', message: line });
      announce(config, feedsChanged);
      return outcome.posts;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const diagnostics = error instanceof BuildSetupError ? error.diagnostics.map(formatDiagnostic) : [];
      const lastBuild = { at: now.toISOString(), reason, ok: false, durationMs: Math.round(performance.now() - started), posts: {}, feedsChanged: [], skipped: [] };
      await saveStatus({ lastBuild, lastError: { at: now.toISOString(), message, diagnostics } }).catch(() => undefined);
      log({ event: 'build-failed', message: `build failed (${reason}): ${message}; the previous feeds stay in place`, reason, error: message });
      for (const line of diagnostics) log({ event: 'diagnostic', message: line });
      throw error;
    }
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
    onPlanned: (next) => {
      status = { ...status, nextPublication: next?.toISOString() };
    },
  });

  const startCron = (expression: string, timeZone: string) => {
    void cronTask?.destroy();
    cronTask = cron.schedule(expression, () => void scheduler.request('tick'), { timezone: timeZone, noOverlap: true, name: 'nashra-rebuild' });
  };
  startCron(config.schedule.cron, config.timeZone);

  const watcher = await watchInputs(options.paths, { changed: () => scheduler.changed(), notice: (event, message) => log({ event, message }) });
  log({ event: 'start', message: `nashra schedule started (pid ${process.pid}): rebuilding on "${config.schedule.cron}" and at each publishAt/expires`, cron: config.schedule.cron });

  const firstBuild = scheduler.request('start').then(() => saveStatus({}));
  await Promise.race([firstBuild, stopSignal]);

  // A config edit may change the schedule itself.
  let activeCron = `${config.schedule.cron}|${config.timeZone}`;
  const refreshCron = setInterval(() => {
    const wanted = `${config.schedule.cron}|${config.timeZone}`;
    if (wanted !== activeCron) {
      activeCron = wanted;
      startCron(config.schedule.cron, config.timeZone);
      log({ event: 'reschedule', message: `rebuild schedule is now "${config.schedule.cron}"`, cron: config.schedule.cron });
    }
  }, 1000);

  const signal = await stopSignal;
  log({ event: 'stop', message: `${signal}: finishing the build in progress, then stopping` });
  clearInterval(refreshCron);
  void cronTask?.destroy();
  await watcher.close();
  await scheduler.stop();
  await Promise.race([Promise.allSettled([...notifications]), new Promise((r) => setTimeout(r, 2000))]);
  for (const companion of options.companions ?? []) await companion.close();
  await lock.lock.release();
  log({ event: 'stopped', message: 'stopped' });
  return 0;
}
