import type { Post } from '../model.js';
import { nextPublicationChange } from './embargo.js';

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

export interface SchedulerOptions {
  readonly clock: Clock;
  /** Runs one build at `now`; returns the valid posts, so the next publication can be planned. Throws on failure. */
  readonly build: (now: Date, reason: BuildReason) => Promise<readonly Post[]>;
  /** Quiet time after a change before rebuilding. */
  readonly debounceMs: number;
  /** Whether a failed build met a file changing under it, so that building again shortly may succeed. */
  readonly retryable?: (error: unknown) => boolean;
  readonly onPlanned?: (nextPublication: Date | undefined) => void;
}

/** How often a build that met a changing file is tried again before waiting for the next change. */
export const RETRIES = 3;

/** setTimeout's limit; longer waits are re-armed when they fire. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * When to build. Builds never overlap: a request during a build runs once
 * more after it. After every build the scheduler wakes at the exact time of
 * the next `publishAt` or `expires`, so a post appears or leaves on time
 * rather than at the next tick; a change re-plans that wake-up. A build that
 * met a file changing under it is tried again after the debounce, so a save
 * is never left to the next tick.
 */
export class Scheduler {
  private current: Promise<void> | undefined;
  private pending: BuildReason | undefined;
  private cancelWake: Cancel | undefined;
  private cancelDebounce: Cancel | undefined;
  private posts: readonly Post[] = [];
  private stopped = false;
  private wakeAt: Date | undefined;
  private retriesLeft = RETRIES;

  constructor(private readonly options: SchedulerOptions) {}

  /** Asks for a build; resolves when a build that started after this call has finished. */
  request(reason: BuildReason): Promise<void> {
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
    this.cancelDebounce?.();
    this.pending = undefined;
    await this.current;
  }

  private async runLoop(first: BuildReason): Promise<void> {
    let reason: BuildReason | undefined = first;
    let metChangingFile = false;
    while (reason && !this.stopped) {
      try {
        this.posts = await this.options.build(this.options.clock.now(), reason);
        metChangingFile = false;
        this.retriesLeft = RETRIES;
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
    if (this.stopped) return;
    const next = nextPublicationChange(this.posts, this.options.clock.now());
    this.wakeAt = next;
    this.options.onPlanned?.(next);
    if (next) this.armWake(next);
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
