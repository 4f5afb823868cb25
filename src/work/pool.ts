/**
 * The build's worker threads: a pool that takes the per-post work of every
 * stage: post files loaded (`load/loadPosts.ts`), full bodies rendered
 * within their time budget (`render/bounded.ts`), and a share of the related
 * queries (`relate/parallel.ts`). A build starts one for loading and a fresh
 * one for its outputs: threads that loaded an archive hold what loading set
 * up (its modules, the spellings met). The build's thread
 * hands out tasks one at a time to idle threads and sleeps in `Atomics.wait`
 * until a reply or a deadline, so the stages stay synchronous.
 *
 * A thread that overruns its task's deadline is stopped and another started;
 * a task that fails on a thread is the caller's to run again or report. With
 * no compiled worker (running from the TypeScript sources) or no thread
 * started, the pool has no threads and every task is the caller's: results
 * never depend on the number of threads.
 */
import { availableParallelism } from 'node:os';
import { MessageChannel, type MessagePort, receiveMessageOnPort, type Worker } from 'node:worker_threads';
import type { Limits, SiteConfig } from '../config.js';
import { sharedArray, startWorker } from '../threads.js';
import { EVENTS, type Reply, type Task, type TaskMessage, type WorkerInput } from './protocol.js';

/** A task handed to the pool, with what to do with its outcome. */
export interface Job {
  readonly task: Task;
  /** How long the task may take once on a thread before the thread is stopped (default: no limit). */
  readonly budgetMs?: number;
  /** Called once with the thread's reply, or with `{ kind: 'overran' }` past the budget, or `{ kind: 'lost' }` when its thread went away. */
  settle(outcome: Outcome, thread: ThreadTables): void;
}

export type Outcome = Reply | { readonly kind: 'overran' } | { readonly kind: 'lost' };

/** What a thread's replies build up on this side: the string table its term counts index. */
export interface ThreadTables {
  readonly strings: string[];
}

export interface PoolOptions {
  readonly limits: Limits;
  readonly config?: SiteConfig;
  /** Most threads to start (default: the machine's parallelism, at most MAX_THREADS). */
  readonly threads?: number;
  /** The clock deadlines are measured on (milliseconds; default `performance.now`). */
  readonly clock?: () => number;
}

export interface RunOptions {
  /**
   * Whether the calling thread runs a task itself when no thread is ready
   * yet (they are starting): only for tasks that need no time budget.
   */
  readonly helpWhileStarting?: boolean;
  /**
   * Tasks each thread holds at once (default 1). More keeps a thread busy
   * while its reply and the next task travel between threads, which costs a
   * wake-up on each side per task; a queued task's budget runs from when the
   * thread reaches it.
   */
  readonly queued?: number;
}

const WORKER_SCRIPT = new URL('./worker.js', import.meta.url);
/** More threads than this buy little on a build and cost a heap each. */
const MAX_THREADS = 4;
/** Tasks per thread below which another thread costs more to start than it saves. */
const TASKS_PER_THREAD = 50;
/** The longest a thread may take to start before it is given up. */
const START_TIMEOUT_MS = 10_000;
/**
 * A thread's young generation, in MB: V8's default lets each thread's heap
 * grow by tens of MB of short-lived garbage before collecting it. At 1,000
 * articles this took the load stage on two threads from 285 MB peak RSS to
 * 229 MB (one thread alone: 155 MB) at the same CPU time. No limit is set on
 * the old generation: a thread stopped for want of memory could not say so
 * to the build's thread, which waits in `Atomics.wait`.
 */
const YOUNG_GENERATION_MB = 4;

/** One pool thread and the jobs it holds, the one it works on first. */
interface Lane {
  readonly worker: Worker;
  readonly port: MessagePort;
  readonly startedAt: number;
  readonly tables: ThreadTables;
  ready: boolean;
  /** Whether the thread has stopped of itself (noticed between builds only: the build's thread sleeps during one). */
  exited: boolean;
  jobs: InFlight[];
}

/** A job sent to a thread; its deadline is set once the thread works on it. */
interface InFlight {
  readonly id: number;
  deadline: number;
  readonly of: Job;
}

/** The number of threads for `options`: none for a few tasks, one per TASKS_PER_THREAD up to the machine's cores. */
export function poolSize(options: { readonly expected: number; readonly threads?: number }): number {
  const wanted = Math.ceil(options.expected / TASKS_PER_THREAD);
  return Math.max(0, Math.min(wanted, options.threads ?? Math.min(availableParallelism(), MAX_THREADS)));
}

export class WorkPool {
  private readonly signal = sharedArray(Int32Array, 1);
  private lanes: Lane[] = [];
  private nextId = 0;
  private readonly limits: Limits;
  private readonly config: SiteConfig | undefined;
  private readonly clock: () => number;

  private readonly most: number | undefined;
  private started = 0;

  /** A pool with no thread yet: `grow` starts them when there is work enough for them. */
  constructor(options: PoolOptions) {
    this.limits = options.limits;
    this.config = options.config;
    this.most = options.threads;
    this.clock = options.clock ?? (() => performance.now());
  }

  /**
   * Starts threads for about `expected` more tasks, up to the pool's size;
   * in the background, so they load their modules while the build does other
   * work. A pool starts its threads once: a thread stopped past its budget
   * is replaced, one that failed to start is not.
   */
  grow(expected: number): void {
    const wanted = poolSize({ expected, ...(this.most === undefined ? {} : { threads: this.most }) });
    while (this.started < wanted) {
      this.started++;
      this.addLane();
    }
  }

  /** Threads started so far, those since stopped included. */
  get threadsStarted(): number {
    return this.started;
  }

  /** Threads alive (started or starting). */
  get threads(): number {
    return this.lanes.length;
  }

  /**
   * Runs the jobs `next` hands out until it hands out none and every job
   * taken has settled. `next` is asked only when a thread is free for its
   * job, so what it reads is not all in memory at once. Returns when no
   * thread is left too: jobs still in `next` are then the caller's.
   */
  run<J extends Job>(next: () => J | undefined, here: (job: J) => void, options: RunOptions = {}): void {
    let exhausted = false;
    const queued = Math.max(1, options.queued ?? 1);
    while (this.lanes.length > 0) {
      const seen = Atomics.load(this.signal, EVENTS);
      this.receive();
      if (!exhausted) exhausted = this.dispatch(next, queued);
      if (!exhausted && options.helpWhileStarting && this.lanes.every((lane) => !lane.ready)) {
        const job = next();
        if (job) here(job);
        else exhausted = true;
        continue;
      }
      if (exhausted && this.lanes.every((lane) => lane.jobs.length === 0)) return;
      this.enforceDeadlines();
      const wait = this.nextDeadline() - this.clock();
      if (wait > 0) Atomics.wait(this.signal, EVENTS, seen, Number.isFinite(wait) ? Math.ceil(wait) : undefined);
    }
  }

  /**
   * Gives `task` to up to `count` idle ready threads, each with its own
   * number, without waiting for them: the caller follows their progress
   * itself (see `relate/parallel.ts`). Returns how many took it.
   */
  lend(count: number, task: (number: number) => Task): number {
    this.receive();
    let lent = 0;
    for (const lane of this.lanes) {
      if (lent >= count) break;
      if (!lane.ready || lane.jobs.length > 0) continue;
      this.post(lane, { task: task(lent), settle: () => undefined });
      lent++;
    }
    return lent;
  }

  close(): void {
    for (const lane of this.lanes) this.stop(lane);
    this.lanes = [];
  }

  /**
   * Stops every thread but one that is up and idle, for the next build of the
   * process to use (see `KeptThreads`); a pool keeps its threads' count as
   * if that one alone had been started, so the next build can grow it again.
   */
  keepOne(): void {
    this.receive();
    const kept = this.lanes.find((lane) => lane.ready && !lane.exited && lane.jobs.length === 0);
    for (const lane of this.lanes) if (lane !== kept) this.stop(lane);
    this.lanes = kept ? [kept] : [];
    this.started = this.lanes.length;
  }

  /** Whether every thread is still there: one that stopped between builds would never answer. */
  get intact(): boolean {
    return this.lanes.every((lane) => !lane.exited);
  }

  private addLane(): void {
    const { port1, port2 } = new MessageChannel();
    const input: WorkerInput = { signal: this.signal, port: port2, limits: this.limits, ...(this.config ? { config: this.config } : {}) };
    const worker = startWorker(WORKER_SCRIPT, input, [port2], { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB });
    if (!worker) {
      port1.close();
      return;
    }
    const lane: Lane = { worker, port: port1, startedAt: this.clock(), tables: { strings: [] }, ready: false, exited: false, jobs: [] };
    worker.once('exit', () => (lane.exited = true));
    this.lanes.push(lane);
  }

  /** Takes every reply waiting on the lanes' ports. */
  private receive(): void {
    for (const lane of [...this.lanes]) {
      for (let message = receiveMessageOnPort(lane.port); message; message = receiveMessageOnPort(lane.port)) {
        this.take(lane, message.message as Reply);
      }
    }
  }

  private take(lane: Lane, reply: Reply): void {
    if (reply.kind === 'ready') lane.ready = true;
    else if (reply.kind === 'unavailable') this.drop(lane);
    else {
      const index = lane.jobs.findIndex((job) => job.id === reply.id);
      if (index < 0) return;
      const [{ of }] = lane.jobs.splice(index, 1) as [InFlight];
      const working = lane.jobs[0];
      if (index === 0 && working) working.deadline = this.deadlineOf(working.of);
      of.settle(reply, lane.tables);
    }
  }

  /** Fills each ready thread up to `queued` jobs, idle threads first; true once there are no more jobs. */
  private dispatch<J extends Job>(next: () => J | undefined, queued: number): boolean {
    for (let held = 0; held < queued; held++) {
      for (const lane of this.lanes) {
        if (!lane.ready || lane.jobs.length > held) continue;
        const job = next();
        if (!job) return true;
        this.post(lane, job);
      }
    }
    return false;
  }

  private post(lane: Lane, job: Job): void {
    const message: TaskMessage = { ...job.task, id: this.nextId++ };
    lane.port.postMessage(message);
    lane.jobs.push({ id: message.id, deadline: lane.jobs.length === 0 ? this.deadlineOf(job) : Infinity, of: job });
  }

  private deadlineOf(job: Job): number {
    return job.budgetMs === undefined ? Infinity : this.clock() + job.budgetMs;
  }

  /** Stops a thread past its job's deadline (the job overran) and starts another; gives up a thread that never started. */
  private enforceDeadlines(): void {
    const now = this.clock();
    for (const lane of [...this.lanes]) {
      const working = lane.jobs[0];
      if (working !== undefined && now >= working.deadline) {
        const [, ...behind] = lane.jobs;
        lane.jobs = [];
        this.drop(lane);
        working.of.settle({ kind: 'overran' }, lane.tables);
        for (const job of behind) job.of.settle({ kind: 'lost' }, lane.tables);
        this.addLane();
      } else if (!lane.ready && now >= lane.startedAt + START_TIMEOUT_MS) {
        this.drop(lane);
      }
    }
  }

  private nextDeadline(): number {
    const deadlines = this.lanes.map((lane) => lane.jobs[0]?.deadline ?? (lane.ready ? Infinity : lane.startedAt + START_TIMEOUT_MS));
    return Math.min(...deadlines);
  }

  /** Stops a thread; the jobs it held, if any, are lost to the caller. */
  private drop(lane: Lane): void {
    this.stop(lane);
    this.lanes = this.lanes.filter((other) => other !== lane);
    const held = lane.jobs;
    lane.jobs = [];
    for (const job of held) job.of.settle({ kind: 'lost' }, lane.tables);
  }

  private stop(lane: Lane): void {
    lane.port.close();
    void lane.worker.terminate();
  }
}

/**
 * The pool thread a process that builds again and again (the daemon's build
 * thread) keeps from one build to the next, for relating and rendering: a
 * fresh one spent 250-350 ms of CPU at each saved post loading its modules,
 * on the core the build's own thread shares it with. One thread is kept, for
 * the memory; a pool for another config or limits (the config file edited)
 * starts afresh, as its threads were started with the old ones.
 */
export class KeptThreads {
  private pool: WorkPool | undefined;
  private key = '';

  /** The kept pool when it was made for these options and its thread is still there, else a new one. */
  take(options: PoolOptions): WorkPool {
    const key = JSON.stringify([options.limits, options.config ?? null, options.threads ?? null]);
    const kept = this.pool;
    this.pool = undefined;
    if (kept && key === this.key && kept.intact) return kept;
    kept?.close();
    this.key = key;
    return new WorkPool(options);
  }

  /** Takes back a pool its build is done with, keeping one thread of it. */
  give(pool: WorkPool): void {
    pool.keepOne();
    if (this.pool && this.pool !== pool) this.pool.close();
    this.pool = pool;
  }

  close(): void {
    this.pool?.close();
    this.pool = undefined;
  }
}
