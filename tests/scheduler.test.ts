/** The scheduler on a fake clock: exact wake-ups for publishAt and expires, no overlapping builds. */
import { describe, expect, it } from 'vitest';
import type { SiteConfig } from '../src/config.js';
import type { Post } from '../src/model.js';
import { loadPosts } from '../src/load/loadPosts.js';
import { preparationLeadMs, Scheduler, type BuildReason, type Cancel, type Clock, type Prepared } from '../src/schedule/scheduler.js';
import { post, sourceFiles, testConfig } from './support/site.js';

class FakeClock implements Clock {
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private nextId = 0;
  constructor(private time: number) {}
  now(): Date {
    return new Date(this.time);
  }
  setTimer(ms: number, fn: () => void): Cancel {
    const id = this.nextId++;
    this.timers.push({ at: this.time + ms, fn, id });
    return () => {
      this.timers = this.timers.filter((timer) => timer.id !== id);
    };
  }
  /** Time passing during a build: timers due meanwhile fire at the next `advanceTo`. */
  elapse(ms: number): void {
    this.time += ms;
  }
  /** Moves time forward, firing due timers in order and letting their work settle. */
  async advanceTo(iso: string): Promise<void> {
    const target = new Date(iso).getTime();
    for (;;) {
      await settle();
      const due = this.timers.filter((timer) => timer.at <= target).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.timers = this.timers.filter((timer) => timer !== due);
      this.time = due.at;
      due.fn();
    }
    this.time = target;
    await settle();
  }
}

const settle = async () => {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
};

function site(posts: Record<string, string>, config: SiteConfig = testConfig()): Post[] {
  return loadPosts(sourceFiles(posts), config).posts;
}

function harness(start: string, initial: Post[]) {
  const clock = new FakeClock(new Date(start).getTime());
  const builds: { at: string; reason: BuildReason }[] = [];
  let posts = initial;
  const scheduler = new Scheduler({
    clock,
    debounceMs: 300,
    build: async (now, reason) => {
      builds.push({ at: now.toISOString(), reason });
      return posts;
    },
  });
  return { clock, builds, scheduler, setPosts: (next: Post[]) => (posts = next) };
}

const embargoed = (publishAt: string, extra = '') => post(`title: Embargoed\ndate: 2026-03-01\npublishAt: ${publishAt}${extra}`);

describe('the scheduler', () => {
  it('wakes at the exact second of a publishAt, not before', async () => {
    const { clock, builds, scheduler } = harness('2026-03-01T05:00:00Z', site({ 'en/a.md': embargoed('2026-03-01T09:00:00+03:00') }));
    await scheduler.request('start');
    expect(scheduler.nextWake()?.toISOString()).toBe('2026-03-01T06:00:00.000Z');
    await clock.advanceTo('2026-03-01T05:59:59.999Z');
    expect(builds.map((b) => b.reason)).toEqual(['start']);
    await clock.advanceTo('2026-03-01T06:00:00Z');
    expect(builds).toEqual([
      { at: '2026-03-01T05:00:00.000Z', reason: 'start' },
      { at: '2026-03-01T06:00:00.000Z', reason: 'publication' },
    ]);
  });

  it('wakes again at expires, then has nothing left to plan', async () => {
    const { clock, builds, scheduler } = harness('2026-03-01T00:00:00Z', site({ 'en/a.md': embargoed('2026-03-01T09:00:00+03:00', '\nexpires: 2026-03-02T09:00:00+03:00') }));
    await scheduler.request('start');
    await clock.advanceTo('2026-03-03T00:00:00Z');
    expect(builds.map((b) => b.at)).toEqual(['2026-03-01T00:00:00.000Z', '2026-03-01T06:00:00.000Z', '2026-03-02T06:00:00.000Z']);
    expect(scheduler.nextWake()).toBeUndefined();
  });

  it('reads local times in the site time zone across daylight-saving changes', async () => {
    const berlin = testConfig({ timeZone: 'Europe/Berlin' });
    const posts = site(
      {
        'en/spring.md': post('title: Spring\ndate: 2026-03-01\npublishAt: 2026-03-29T03:30:00'),
        'en/autumn.md': post('title: Autumn\ndate: 2026-03-01\npublishAt: 2026-10-25T03:30:00'),
      },
      berlin,
    );
    const { clock, builds, scheduler } = harness('2026-03-28T00:00:00Z', posts);
    await scheduler.request('start');
    await clock.advanceTo('2026-12-01T00:00:00Z');
    // 03:30 is CEST (UTC+2) after the spring change and CET (UTC+1) after the autumn one.
    expect(builds.filter((b) => b.reason === 'publication').map((b) => b.at)).toEqual(['2026-03-29T01:30:00.000Z', '2026-10-25T02:30:00.000Z']);
  });

  it('re-plans when a publishAt is edited while waiting', async () => {
    const { clock, builds, scheduler, setPosts } = harness('2026-03-01T00:00:00Z', site({ 'en/a.md': embargoed('2026-03-01T12:00:00Z') }));
    await scheduler.request('start');
    expect(scheduler.nextWake()?.toISOString()).toBe('2026-03-01T12:00:00.000Z');
    setPosts(site({ 'en/a.md': embargoed('2026-03-01T08:00:00Z') }));
    scheduler.changed();
    scheduler.changed(); // an editor saving twice gives one build
    await clock.advanceTo('2026-03-01T00:00:01Z');
    expect(scheduler.nextWake()?.toISOString()).toBe('2026-03-01T08:00:00.000Z');
    await clock.advanceTo('2026-03-01T13:00:00Z');
    expect(builds.map((b) => `${b.reason}@${b.at}`)).toEqual([
      'start@2026-03-01T00:00:00.000Z',
      'change@2026-03-01T00:00:00.300Z',
      'publication@2026-03-01T08:00:00.000Z',
    ]);
  });

  it('publishes many posts due at the same second in one build', async () => {
    const many = Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`en/p${i}.md`, embargoed('2026-03-01T09:00:00Z')]));
    const { clock, builds, scheduler } = harness('2026-03-01T08:00:00Z', site(many));
    await scheduler.request('start');
    await clock.advanceTo('2026-03-01T10:00:00Z');
    expect(builds.map((b) => b.reason)).toEqual(['start', 'publication']);
  });

  it('never runs two builds at once; requests during a build give one more build after it', async () => {
    const clock = new FakeClock(Date.parse('2026-03-01T00:00:00Z'));
    let running = 0;
    let most = 0;
    let release: () => void = () => undefined;
    const reasons: BuildReason[] = [];
    const scheduler = new Scheduler({
      clock,
      debounceMs: 0,
      build: async (_now, reason) => {
        reasons.push(reason);
        running++;
        most = Math.max(most, running);
        await new Promise<void>((resolve) => (release = resolve));
        running--;
        return [];
      },
    });
    const first = scheduler.request('start');
    void scheduler.request('tick');
    void scheduler.request('change');
    await settle();
    release();
    await settle();
    release();
    await first;
    expect(reasons).toEqual(['start', 'tick']);
    expect(most).toBe(1);
  });

  it('keeps planning from the last good build when a build fails', async () => {
    const clock = new FakeClock(Date.parse('2026-03-01T00:00:00Z'));
    const good = site({ 'en/a.md': embargoed('2026-03-01T06:00:00Z') });
    let fail = false;
    const builds: string[] = [];
    const scheduler = new Scheduler({
      clock,
      debounceMs: 0,
      build: async (now, reason) => {
        builds.push(`${reason}${fail ? ' (failed)' : ''}`);
        if (fail) throw new Error('disk full');
        return good;
      },
    });
    await scheduler.request('start');
    fail = true;
    await scheduler.request('tick');
    expect(scheduler.nextWake()?.toISOString()).toBe('2026-03-01T06:00:00.000Z');
    fail = false;
    await clock.advanceTo('2026-03-01T07:00:00Z');
    expect(builds).toEqual(['start', 'tick (failed)', 'publication']);
  });

  describe('a build that met a file changing under it', () => {
    class FileChanged extends Error {}
    /** A scheduler whose builds fail with `FileChanged` while `failures` lasts, then succeed. */
    function changingFiles(failures: number, retryable: (error: unknown) => boolean = (error) => error instanceof FileChanged) {
      const clock = new FakeClock(Date.parse('2026-03-01T00:00:00Z'));
      const builds: string[] = [];
      let left = failures;
      const scheduler = new Scheduler({
        clock,
        debounceMs: 300,
        retryable,
        build: async (now, reason) => {
          const fails = left-- > 0;
          builds.push(`${reason}@${now.toISOString().slice(11, 23)}${fails ? ' (failed)' : ''}`);
          if (fails) throw new FileChanged('posts/en/a.md changed during the build');
          return [];
        },
      });
      return { clock, builds, scheduler };
    }

    it('is built again after the debounce, with no further change seen', async () => {
      const { clock, builds, scheduler } = changingFiles(1);
      await scheduler.request('start');
      await clock.advanceTo('2026-03-01T00:01:00Z');
      expect(builds).toEqual(['start@00:00:00.000 (failed)', 'retry@00:00:00.300']);
    });

    it('is built again a bounded number of times, then waits for the next change', async () => {
      const { clock, builds, scheduler } = changingFiles(Infinity);
      await scheduler.request('start');
      await clock.advanceTo('2026-03-01T01:00:00Z');
      expect(builds).toEqual(['start@00:00:00.000 (failed)', 'retry@00:00:00.300 (failed)', 'retry@00:00:00.600 (failed)', 'retry@00:00:00.900 (failed)']);
      scheduler.changed();
      await clock.advanceTo('2026-03-01T02:00:00Z');
      expect(builds.slice(4)).toEqual([
        'change@01:00:00.300 (failed)',
        'retry@01:00:00.600 (failed)',
        'retry@01:00:00.900 (failed)',
        'retry@01:00:01.200 (failed)',
      ]);
    });

    it('is not retried for other failures, such as an invalid config', async () => {
      const { clock, builds, scheduler } = changingFiles(1, () => false);
      await scheduler.request('start');
      await clock.advanceTo('2026-03-01T01:00:00Z');
      expect(builds).toEqual(['start@00:00:00.000 (failed)']);
    });
  });

  it('builds once more after a build during which a change was seen', async () => {
    const clock = new FakeClock(Date.parse('2026-03-01T00:00:00Z'));
    const reasons: BuildReason[] = [];
    let release: () => void = () => undefined;
    const scheduler = new Scheduler({
      clock,
      debounceMs: 300,
      build: async (_now, reason) => {
        reasons.push(reason);
        if (reason === 'start') await new Promise<void>((resolve) => (release = resolve));
        return [];
      },
    });
    const first = scheduler.request('start');
    await settle();
    scheduler.changed();
    await clock.advanceTo('2026-03-01T00:00:01Z'); // the debounce ends while the build still runs
    release();
    await first;
    await clock.advanceTo('2026-03-01T00:00:02Z');
    expect(reasons).toEqual(['start', 'change']);
  });

  it('stops planning once stopped, after the build in progress', async () => {
    const { clock, builds, scheduler } = harness('2026-03-01T00:00:00Z', site({ 'en/a.md': embargoed('2026-03-01T06:00:00Z') }));
    await scheduler.request('start');
    await scheduler.stop();
    await clock.advanceTo('2026-03-02T00:00:00Z');
    expect(builds.map((b) => b.reason)).toEqual(['start']);
  });

  it('builds at once for a moment that passed while a build ran', async () => {
    const clock = new FakeClock(Date.parse('2026-03-01T05:59:59Z'));
    const builds: string[] = [];
    const posts = site({ 'en/a.md': embargoed('2026-03-01T06:00:00Z') });
    const scheduler = new Scheduler({
      clock,
      debounceMs: 300,
      build: async (now, reason) => {
        builds.push(`${reason}@${now.toISOString()}`);
        clock.elapse(2000);
        return posts;
      },
    });
    await scheduler.request('start');
    await clock.advanceTo('2026-03-01T07:00:00Z');
    expect(builds).toEqual(['start@2026-03-01T05:59:59.000Z', 'publication@2026-03-01T06:00:01.000Z']);
  });

  describe('with builds prepared ahead of a publication moment', () => {
    /** A scheduler whose builds take `buildMs` of the fake clock, and whose preparations can be made to fail. */
    function preparing(start: string, initial: Post[], buildMs: number) {
      const clock = new FakeClock(new Date(start).getTime());
      const events: string[] = [];
      let prepareFails = false;
      let commitFails = false;
      let changesWhilePreparing = 0;
      const scheduler: Scheduler = new Scheduler({
        clock,
        debounceMs: 300,
        build: async (now, reason) => {
          events.push(`${reason}@${now.toISOString()}`);
          clock.elapse(buildMs);
          return initial;
        },
        prepare: async (at) => {
          events.push(`prepare for ${at.toISOString()} @${clock.now().toISOString()}`);
          clock.elapse(buildMs);
          // A watcher's event arriving while the preparation runs (once).
          if (changesWhilePreparing-- > 0) scheduler.changed();
          if (prepareFails) return undefined;
          const build: Prepared = {
            commit: async () => {
              events.push(`commit for ${at.toISOString()} @${clock.now().toISOString()}`);
              if (commitFails) throw new Error('disk full');
              return initial;
            },
          };
          return build;
        },
      });
      return { clock, events, scheduler, failPreparations: () => (prepareFails = true), failCommits: () => (commitFails = true), changeWhilePreparing: () => (changesWhilePreparing = 1) };
    }

    it('prepares the build before the moment, by twice the last build time plus two seconds, and only writes it at the moment', async () => {
      const { clock, events, scheduler } = preparing('2026-03-01T05:00:00Z', site({ 'en/a.md': embargoed('2026-03-01T06:00:00Z') }), 10_000);
      await scheduler.request('start');
      expect(preparationLeadMs(10_000)).toBe(22_000);
      await clock.advanceTo('2026-03-01T07:00:00Z');
      expect(events).toEqual([
        'start@2026-03-01T05:00:00.000Z',
        'prepare for 2026-03-01T06:00:00.000Z @2026-03-01T05:59:38.000Z',
        'commit for 2026-03-01T06:00:00.000Z @2026-03-01T06:00:00.000Z',
      ]);
    });

    it('sets a preparation aside when a change is seen after it, and builds at the moment instead', async () => {
      const { clock, events, scheduler } = preparing('2026-03-01T05:00:00Z', site({ 'en/a.md': embargoed('2026-03-01T06:00:00Z') }), 1000);
      await scheduler.request('start');
      await clock.advanceTo('2026-03-01T05:59:59Z');
      expect(events.at(-1)).toMatch(/^prepare for 2026-03-01T06:00:00.000Z/);
      scheduler.changed();
      await clock.advanceTo('2026-03-01T07:00:00Z');
      // The change's build, made for a moment before 06:00, ends after it: the moment is due at once.
      expect(events.slice(2)).toEqual(['change@2026-03-01T05:59:59.300Z', 'publication@2026-03-01T06:00:00.300Z']);
    });

    it('sets a preparation aside when a change is seen while it runs', async () => {
      const { clock, events, scheduler, changeWhilePreparing } = preparing('2026-03-01T05:00:00Z', site({ 'en/a.md': embargoed('2026-03-01T06:00:00Z') }), 1000);
      changeWhilePreparing();
      await scheduler.request('start');
      await clock.advanceTo('2026-03-01T07:00:00Z');
      expect(events.slice(1)).toEqual([
        'prepare for 2026-03-01T06:00:00.000Z @2026-03-01T05:59:56.000Z',
        'change@2026-03-01T05:59:57.300Z',
        'prepare for 2026-03-01T06:00:00.000Z @2026-03-01T05:59:58.300Z',
        'commit for 2026-03-01T06:00:00.000Z @2026-03-01T06:00:00.000Z',
      ]);
    });

    it('builds at the moment when the preparation could not be made, without trying it again in a loop', async () => {
      const { clock, events, scheduler, failPreparations } = preparing('2026-03-01T05:00:00Z', site({ 'en/a.md': embargoed('2026-03-01T06:00:00Z') }), 1000);
      failPreparations();
      await scheduler.request('start');
      await clock.advanceTo('2026-03-01T07:00:00Z');
      expect(events).toEqual(['start@2026-03-01T05:00:00.000Z', 'prepare for 2026-03-01T06:00:00.000Z @2026-03-01T05:59:56.000Z', 'publication@2026-03-01T06:00:00.000Z']);
    });

    it('builds at the moment when writing the prepared build fails', async () => {
      const { clock, events, scheduler, failCommits } = preparing('2026-03-01T05:00:00Z', site({ 'en/a.md': embargoed('2026-03-01T06:00:00Z') }), 1000);
      failCommits();
      await scheduler.request('start');
      await clock.advanceTo('2026-03-01T07:00:00Z');
      expect(events.slice(2)).toEqual(['commit for 2026-03-01T06:00:00.000Z @2026-03-01T06:00:00.000Z', 'publication@2026-03-01T06:00:00.000Z']);
    });

    it('keeps a preparation across a tick build made in between, when no change was seen', async () => {
      const { clock, events, scheduler } = preparing('2026-03-01T05:00:00Z', site({ 'en/a.md': embargoed('2026-03-01T06:00:00Z') }), 1000);
      await scheduler.request('start');
      await clock.advanceTo('2026-03-01T05:59:57Z');
      await scheduler.request('tick');
      await clock.advanceTo('2026-03-01T07:00:00Z');
      expect(events.slice(1)).toEqual([
        'prepare for 2026-03-01T06:00:00.000Z @2026-03-01T05:59:56.000Z',
        'tick@2026-03-01T05:59:57.000Z',
        'commit for 2026-03-01T06:00:00.000Z @2026-03-01T06:00:00.000Z',
      ]);
    });
  });
});
