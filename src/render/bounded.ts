/**
 * Rendering full bodies within a time budget. Markdown can be shaped so that
 * the parser's work grows with the square of a paragraph's length (a long run
 * of `_a_a_a…` takes seconds per hundred thousand characters, minutes for a
 * file at the size limit), and code running on the build's own thread cannot
 * be interrupted. So bodies render on worker threads, one body per thread at a
 * time, and a thread that overruns `limits.renderMs` is stopped: that post's
 * outcome is a failure, and the others render on. With several threads, both
 * cores of the machine render while the build's thread waits.
 *
 * Without a compiled worker (running from the TypeScript sources) or when no
 * thread starts, bodies render here without a budget, as before.
 */
import { availableParallelism } from 'node:os';
import { MessageChannel, type MessagePort, receiveMessageOnPort, type Worker } from 'node:worker_threads';
import type { Limits } from '../config.js';
import { sharedArray, startWorker } from '../threads.js';
import { renderBody, type Rendered } from './article.js';
import { renderFailureReason } from './failure.js';
import { EVENTS, type RenderReply, type RenderTask, type RenderWorkerInput } from './renderProtocol.js';

/** A body to render: read only when a thread is free for it, so bodies are not all in memory at once. */
export interface BodyJob<K> {
  readonly key: K;
  read(): { readonly markdown: string; readonly pageUrl: string };
}

/** The rendered HTML with what an editor should hear about it, or why there is none. */
export type RenderOutcome = Rendered | { readonly failure: string };

export interface BoundedOptions {
  /** How many jobs are coming, to start no more threads than they need. */
  readonly expected: number;
  /** Most threads to start (default: the machine's parallelism, at most MAX_THREADS). */
  readonly threads?: number;
  /** The clock deadlines are measured on (milliseconds; default `performance.now`). */
  readonly clock?: () => number;
}

const WORKER_SCRIPT = new URL('./renderWorker.js', import.meta.url);
/** More threads than this buy little on a build and cost a heap each. */
const MAX_THREADS = 4;
/** Jobs per thread below which another thread costs more to start than it saves. */
const JOBS_PER_THREAD = 50;
/** The longest a thread may take to start before its lane is given up. */
const START_TIMEOUT_MS = 10_000;

/** One render thread and the job it is working on. */
interface Lane {
  readonly worker: Worker;
  readonly port: MessagePort;
  readonly startedAt: number;
  ready: boolean;
  job?: { readonly id: number; readonly deadline: number; settle(outcome: RenderOutcome): void };
}

/**
 * Render threads, started ahead of the bodies so that their start-up (loading
 * the Markdown parser and the sanitiser) overlaps the build's other work.
 */
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

/** Starts the render threads for about `options.expected` bodies (none for none). */
export function startRenderThreads(limits: Limits, options: BoundedOptions): RenderThreads {
  const pool = new Pool(limits, options.clock ?? (() => performance.now()));
  pool.start(threadCount(options));
  return {
    renderAll<K>(jobs: Iterable<BodyJob<K>>, report: (key: K, outcome: RenderOutcome) => void): void {
      const pending = jobs[Symbol.iterator]();
      pool.run(pending, report);
      for (let next = pending.next(); !next.done; next = pending.next()) report(next.value.key, renderHere(next.value, limits));
    },
    close: () => pool.close(),
  };
}

function threadCount(options: BoundedOptions): number {
  const wanted = Math.ceil(options.expected / JOBS_PER_THREAD);
  return Math.max(0, Math.min(wanted, options.threads ?? Math.min(availableParallelism(), MAX_THREADS)));
}

/** A job rendered on this thread: no budget can be kept here. */
function renderHere<K>(job: BodyJob<K>, limits: Limits): RenderOutcome {
  const { markdown, pageUrl } = job.read();
  try {
    return renderBody(pageUrl, markdown, limits);
  } catch (error) {
    return { failure: renderFailureReason(error) };
  }
}

class Pool {
  private readonly signal = sharedArray(Int32Array, 1);
  private lanes: Lane[] = [];
  private nextId = 0;

  constructor(
    private readonly limits: Limits,
    private readonly clock: () => number,
  ) {}

  start(threads: number): void {
    for (let i = 0; i < threads; i++) this.addLane();
  }

  /** Feeds jobs to the threads until none is left or no thread is left; what remains is the caller's. */
  run<K>(pending: Iterator<BodyJob<K>>, report: (key: K, outcome: RenderOutcome) => void): void {
    let exhausted = false;
    while (this.lanes.length > 0) {
      const seen = Atomics.load(this.signal, EVENTS);
      this.receive();
      if (!exhausted) exhausted = this.dispatch(pending, report);
      if (exhausted && this.lanes.every((lane) => lane.job === undefined)) return;
      this.enforceDeadlines();
      const wait = this.nextDeadline() - this.clock();
      if (wait > 0) Atomics.wait(this.signal, EVENTS, seen, Math.ceil(wait));
    }
  }

  close(): void {
    for (const lane of this.lanes) this.stop(lane);
    this.lanes = [];
  }

  private addLane(): void {
    const { port1, port2 } = new MessageChannel();
    const input: RenderWorkerInput = { signal: this.signal, port: port2, limits: this.limits };
    const worker = startWorker(WORKER_SCRIPT, input, [port2]);
    if (!worker) {
      port1.close();
      return;
    }
    this.lanes.push({ worker, port: port1, startedAt: this.clock(), ready: false });
  }

  /** Takes every reply waiting on the lanes' ports. */
  private receive(): void {
    for (const lane of [...this.lanes]) {
      for (let message = receiveMessageOnPort(lane.port); message; message = receiveMessageOnPort(lane.port)) {
        this.take(lane, message.message as RenderReply);
      }
    }
  }

  private take(lane: Lane, reply: RenderReply): void {
    if (reply.kind === 'ready') lane.ready = true;
    else if (reply.kind === 'unavailable') this.drop(lane);
    else if (lane.job?.id === reply.id) {
      const { settle } = lane.job;
      lane.job = undefined;
      settle(reply.kind === 'rendered' ? { html: reply.html, warnings: reply.warnings } : { failure: reply.reason });
    }
  }

  /** Gives each idle ready thread the next job; true once there are no more jobs. */
  private dispatch<K>(pending: Iterator<BodyJob<K>>, report: (key: K, outcome: RenderOutcome) => void): boolean {
    for (const lane of this.lanes) {
      if (!lane.ready || lane.job !== undefined) continue;
      const next = pending.next();
      if (next.done) return true;
      const { key } = next.value;
      const { markdown, pageUrl } = next.value.read();
      const task: RenderTask = { id: this.nextId++, markdown, pageUrl };
      lane.port.postMessage(task);
      lane.job = { id: task.id, deadline: this.clock() + this.limits.renderMs, settle: (outcome) => report(key, outcome) };
    }
    return false;
  }

  /** Stops a thread past its job's deadline (the job failed) and starts another; gives up a thread that never started. */
  private enforceDeadlines(): void {
    const now = this.clock();
    for (const lane of [...this.lanes]) {
      if (lane.job !== undefined && now >= lane.job.deadline) {
        const { settle } = lane.job;
        this.drop(lane);
        settle({ failure: `rendering its full text took longer than ${this.limits.renderMs} ms (limits.renderMs)` });
        this.addLane();
      } else if (!lane.ready && now >= lane.startedAt + START_TIMEOUT_MS) {
        this.drop(lane);
      }
    }
  }

  private nextDeadline(): number {
    const deadlines = this.lanes.map((lane) => (lane.job !== undefined ? lane.job.deadline : lane.ready ? Infinity : lane.startedAt + START_TIMEOUT_MS));
    return Math.min(...deadlines);
  }

  private drop(lane: Lane): void {
    this.stop(lane);
    this.lanes = this.lanes.filter((other) => other !== lane);
  }

  private stop(lane: Lane): void {
    lane.port.close();
    void lane.worker.terminate();
  }
}
