import { nextPublicationChange, type TimedPost } from './embargo.js';

export type Cancel = () => void;

/** Time as the scheduler sees it: injected, so tests run on a fake clock. */
export interface Clock {
  now(): Date;
  /** Calls `fn` after `ms` milliseconds. */
  setTimer(ms: number, fn: () => void): Cancel;
}

export const systemClock: Clock = {
  now: () => new Date(),
  setTimer: (ms, fn) => {
    const timer = setTimeout(fn, ms);
    return () => clearTimeout(timer);
  },
};

export type BuildReason = 'start' | 'tick' | 'change' | 'retry' | 'publication';

/** A build made ahead of a publication moment, waiting to be written at it. */
export interface Prepared {
  /** Writes it; returns the posts to plan from, as `build` does. Throws on failure. */
  commit(): Promise<readonly TimedPost[]>;
}

export interface SchedulerOptions {
  readonly clock: Clock;
  /** Runs one build at `now`; returns the valid posts (at least those whose place in the feeds changes after `now`: see `timedAfter`), so the next publication can be planned. Throws on failure. */
  readonly build: (now: Date, reason: BuildReason) => Promise<readonly TimedPost[]>;
  /** Quiet time after a change before rebuilding. */
  readonly debounceMs: number;
  /** Whether a failed build met a file changing under it, so that building again shortly may succeed. */
  readonly retryable?: (error: unknown) => boolean;
  readonly onPlanned?: (nextPublication: Date | undefined) => void;
  /**
   * Prepares the build for the moment `at` (a publishAt or expires to come)
   * with everything but the writing done, or undefined when it cannot be.
   * Without it, the build runs when the moment comes.
   */
  readonly prepare?: (at: Date) => Promise<Prepared | undefined>;
}

/** How often a build that met a changing file is tried again before waiting for the next change. */
export const RETRIES = 3;

/** setTimeout's limit; longer waits are re-armed when they fire. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * How long before a publication moment its build is prepared: twice the
 * last build's time plus a margin, so a build that runs slower this time is
 * still ready. Changes in that window make it build again.
 */
export function preparationLeadMs(lastBuildMs: number): number {
  return 2 * lastBuildMs + 2000;
}

/**
 * When to build. Builds never overlap: a request during a build runs once
 * more after it. After every build the scheduler wakes at the exact time of
 * the next `publishAt` or `expires`, so a post appears or leaves on time
 * rather than at the next tick; a change re-plans that wake-up. A build that
 * met a file changing under it is tried again after the debounce, so a save
 * is never left to the next tick.
 *
 * With `prepare`, the build for a publication moment is made shortly before
 * it and only written at it, so a post appears at its second however long a
 * build of the whole archive takes. A change seen in between sets that
 * preparation aside, and the build after the change prepares again.
 */
export class Scheduler {
  private current: Promise<void> | undefined;
  private pending: BuildReason | 'prepare' | undefined;
  private cancelWake: Cancel | undefined;
  private cancelDebounce: Cancel | undefined;
  private posts: readonly TimedPost[] = [];
  private stopped = false;
  private wakeAt: Date | undefined;
  private retriesLeft = RETRIES;
  private cancelPrepare: Cancel | undefined;
  /** The build prepared for a publication moment (its time in ms), until that moment or a change. */
  private prepared: { at: number; build: Prepared } | undefined;
  /** The publication moment the loop is asked to prepare for. */
  private preparing: number | undefined;
  /** The moment a preparation was last tried for, so a failed one is not tried again until something changes. */
  private preparationTried: number | undefined;
  /** Changes seen so far: a preparation during which one is seen is stale. */
  private changes = 0;
  private lastBuildMs = 0;
  /**
   * The moment the last build was made for. The next wake-up is planned from
   * it, not from when the build ended: a moment passed while a build ran is
   * still due, and gets its build at once.
   */
  private builtFor: Date | undefined;

  constructor(private readonly options: SchedulerOptions) {}

  /** Asks for a build; resolves when a build that started after this call has finished. */
  request(reason: BuildReason | 'prepare'): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.current) {
      // The running loop picks this up once the build in progress is done.
      this.pending ??= reason;
      return this.current;
    }
    this.current = this.runLoop(reason);
    return this.current;
  }

  /** A file changed: build once things are quiet for `debounceMs`. */
  changed(): void {
    if (this.stopped) return;
    this.prepared = undefined;
    this.changes++;
    this.retriesLeft = RETRIES;
    this.afterDebounce('change');
  }

  nextWake(): Date | undefined {
    return this.wakeAt;
  }

  /** Stops planning; waits for the build in progress to finish writing. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.cancelWake?.();
    this.cancelPrepare?.();
    this.prepared = undefined;
    this.cancelDebounce?.();
    this.pending = undefined;
    await this.current;
  }

  private async runLoop(first: BuildReason | 'prepare'): Promise<void> {
    let reason: BuildReason | 'prepare' | undefined = first;
    let metChangingFile = false;
    while (reason && !this.stopped) {
      try {
        if (reason === 'prepare') await this.prepareNow();
        else {
          this.posts = await this.buildNow(reason);
          metChangingFile = false;
          this.retriesLeft = RETRIES;
        }
      } catch (error) {
        // The build reported its own failure; plan from the posts of the last good build.
        metChangingFile = this.options.retryable?.(error) ?? false;
      }
      reason = this.pending;
      this.pending = undefined;
    }
    this.current = undefined;
    this.plan();
    if (metChangingFile) this.retry();
  }

  /**
   * A build, or at a publication moment the build prepared for it. A build
   * for another reason leaves a preparation in place: with no change seen,
   * it writes what is already there, and the preparation still holds.
   */
  private async buildNow(reason: BuildReason): Promise<readonly TimedPost[]> {
    const now = this.options.clock.now();
    const prepared = this.prepared;
    if (reason === 'publication') this.prepared = undefined;
    if (this.prepared === undefined) this.preparationTried = undefined;
    // Prepared for this very moment and nothing changed since: only the writing is left.
    if (reason === 'publication' && prepared && prepared.at === this.wakeAt?.getTime() && now.getTime() >= prepared.at) {
      this.builtFor = new Date(prepared.at);
      try {
        return await prepared.build.commit();
      } catch {
        // Reported by the commit; the moment still gets its build.
      }
    }
    const started = now.getTime();
    this.builtFor = now;
    const posts = await this.options.build(now, reason);
    this.lastBuildMs = this.options.clock.now().getTime() - started;
    return posts;
  }

  private async prepareNow(): Promise<void> {
    const at = this.preparing;
    this.preparing = undefined;
    if (at === undefined || this.wakeAt?.getTime() !== at || !this.options.prepare) return;
    this.preparationTried = at;
    const changes = this.changes;
    const build = await this.options.prepare(new Date(at));
    if (build && changes === this.changes && !this.stopped) this.prepared = { at, build };
  }

  /** Builds again once the files are quiet, unless a change already has a build coming or the retries are spent. */
  private retry(): void {
    if (this.stopped || this.cancelDebounce || this.retriesLeft === 0) return;
    this.retriesLeft--;
    this.afterDebounce('retry');
  }

  private afterDebounce(reason: 'change' | 'retry'): void {
    this.cancelDebounce?.();
    this.cancelDebounce = this.options.clock.setTimer(this.options.debounceMs, () => {
      this.cancelDebounce = undefined;
      void this.request(reason);
    });
  }

  private plan(): void {
    this.cancelWake?.();
    this.cancelWake = undefined;
    this.cancelPrepare?.();
    this.cancelPrepare = undefined;
    if (this.stopped) return;
    const next = nextPublicationChange(this.posts, this.builtFor ?? this.options.clock.now());
    this.wakeAt = next;
    this.options.onPlanned?.(next);
    if (next) this.armWake(next);
    if (next && this.options.prepare && this.preparationTried !== next.getTime()) this.armPreparation(next);
  }

  /** Prepares the build for `at` shortly before it (at once when that is now). */
  private armPreparation(at: Date): void {
    const wait = at.getTime() - preparationLeadMs(this.lastBuildMs) - this.options.clock.now().getTime();
    this.cancelPrepare = this.options.clock.setTimer(Math.max(0, Math.min(wait, MAX_TIMER_MS)), () => {
      this.cancelPrepare = undefined;
      if (this.options.clock.now().getTime() < at.getTime() - preparationLeadMs(this.lastBuildMs)) {
        this.armPreparation(at);
        return;
      }
      this.preparing = at.getTime();
      void this.request('prepare');
    });
  }

  private armWake(at: Date): void {
    const wait = at.getTime() - this.options.clock.now().getTime();
    this.cancelWake = this.options.clock.setTimer(Math.max(0, Math.min(wait, MAX_TIMER_MS)), () => {
      this.cancelWake = undefined;
      if (this.options.clock.now() < at) this.armWake(at);
      else void this.request('publication');
    });
  }
}
