/**
 * Rendering full bodies within a time budget. Markdown can be shaped so that
 * the parser's work grows with the square of a paragraph's length (a long run
 * of `_a_a_a…` takes seconds per hundred thousand characters, minutes for a
 * file at the size limit), and code running on the build's own thread cannot
 * be interrupted. So bodies render on the build's work pool (`work/pool.ts`),
 * one body per thread at a time, and a thread that overruns `limits.renderMs`
 * is stopped: that post's outcome is a failure, and the others render on.
 * With several threads, both cores of the machine render while the build's
 * thread waits.
 *
 * Without a compiled worker (running from the TypeScript sources) or when no
 * thread starts, bodies render here without a budget, as before.
 */
import type { Limits } from '../config.js';
import { type Job, WorkPool } from '../work/pool.js';
import { renderBody, type Rendered } from './article.js';
import { message, type Message } from '../i18n/message.js';
import { renderFailureReason } from './failure.js';

/** A body to render: read only when a thread is free for it, so bodies are not all in memory at once. */
export interface BodyJob<K> {
  readonly key: K;
  read(): { readonly markdown: string; readonly pageUrl: string };
}

/** The rendered HTML with what an editor should hear about it, or why there is none. */
export type RenderOutcome = Rendered | { readonly failure: Message };

export interface BoundedOptions {
  /** How many jobs are coming, to start no more threads than they need. */
  readonly expected: number;
  /** Most threads to start (default: the machine's parallelism, at most four). */
  readonly threads?: number;
  /** The clock deadlines are measured on (milliseconds; default `performance.now`). */
  readonly clock?: () => number;
}

export interface RenderThreads {
  /**
   * Renders every job's body, reporting each outcome as it comes (not in job
   * order). An error thrown by `read` (a file changed during the build) stops
   * the rendering and is thrown on.
   */
  renderAll<K>(jobs: Iterable<BodyJob<K>>, report: (key: K, outcome: RenderOutcome) => void): void;
  /** Stops every thread. */
  close(): void;
}

/** Render threads of their own for about `options.expected` bodies (none for none): a pool that only renders. */
export function startRenderThreads(limits: Limits, options: BoundedOptions): RenderThreads {
  const pool = new WorkPool({ limits, ...(options.threads === undefined ? {} : { threads: options.threads }), ...(options.clock ? { clock: options.clock } : {}) });
  pool.grow(options.expected);
  return { renderAll: (jobs, report) => renderOnPool(pool, limits, jobs, report), close: () => pool.close() };
}

/** Renders every job's body on `pool`'s threads (see `RenderThreads.renderAll`), here when it has none. */
export function renderOnPool<K>(pool: WorkPool, limits: Limits, jobs: Iterable<BodyJob<K>>, report: (key: K, outcome: RenderOutcome) => void): void {
  const pending = jobs[Symbol.iterator]();
  const next = (): Job | undefined => {
    const step = pending.next();
    if (step.done) return undefined;
    const { key } = step.value;
    const { markdown, pageUrl } = step.value.read();
    return {
      task: { kind: 'render', markdown, pageUrl },
      budgetMs: limits.renderMs,
      settle: (outcome) => {
        if (outcome.kind === 'rendered') report(key, { html: outcome.html, warnings: outcome.warnings });
        else if (outcome.kind === 'failed') report(key, { failure: outcome.reason });
        else if (outcome.kind === 'overran') report(key, { failure: message('diagnostics.render.tooSlow', { ms: limits.renderMs }) });
        else report(key, renderHere(markdown, pageUrl, limits));
      },
    };
  };
  pool.run(next, (job) => job.settle({ kind: 'lost' }, { strings: [] }));
  for (let step = pending.next(); !step.done; step = pending.next()) {
    const { markdown, pageUrl } = step.value.read();
    report(step.value.key, renderHere(markdown, pageUrl, limits));
  }
}

/** A body rendered on this thread: no budget can be kept here. */
export function renderHere(markdown: string, pageUrl: string, limits: Limits): RenderOutcome {
  try {
    return renderBody(pageUrl, markdown, limits);
  } catch (error) {
    return { failure: renderFailureReason(error) };
  }
}
