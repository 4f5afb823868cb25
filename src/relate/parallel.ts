import { availableParallelism } from 'node:os';
import type { Searcher, ScoredPair, SearchIndex } from './search.js';
import { sharedArray, sharedCopy } from '../threads.js';

/**
 * Every article's query, spread over threads that share the index: the
 * calling one and those of the build's work pool (`work/pool.ts`), which
 * runs `takeChunks` when it is lent the job. Queries are independent and
 * read the index only, so any split gives the same lists: the threads take
 * chunks of articles from a shared counter until none are left, and the
 * calling thread takes its share too, so a thread that joins late, or never,
 * costs nothing but its absence.
 */

/** Below this many articles, starting a thread costs more than it saves. */
export const PARALLEL_FROM = 4000;
/** Articles a thread takes at a time: small enough to share out evenly, large enough to keep the counter quiet. */
const CHUNK = 64;
/** Threads used at most, the calling one included. */
const MAX_THREADS = 4;
/** How long the calling thread waits for a worker's progress before doing the worker's chunks itself. */
const STALL_MS = 2000;

// The control words. The calling thread sleeps on EVENTS, which every finished chunk and every
// failure moves on, so that a wake-up between its look at the others and its sleep is never lost.
const NEXT_CHUNK = 0;
const DONE_CHUNKS = 1;
const FAILED = 2;
const EVENTS = 3;

/** Thread numbers in `chunkDone`: workers are numbered from 2. */
const NOBODY = 0;
const CALLER = 1;

/** What the threads share: the requests, the results, and the counters. */
export interface QueryJob {
  readonly articles: number;
  /** How many related articles each article asks for. */
  readonly wanted: Int32Array;
  /** The articles each must leave out (its pinned ones), at [excludeStart[i], excludeStart[i + 1]). */
  readonly excludeStart: Int32Array;
  readonly excluded: Int32Array;
  /** Article i's results at [i × width, (i + 1) × width), best first, -1 past its end. */
  readonly width: number;
  readonly others: Int32Array;
  readonly scores: Float64Array;
  /** NEXT_CHUNK, DONE_CHUNKS, FAILED and EVENTS. */
  readonly control: Int32Array;
  /** Per chunk: the thread that wrote its results (CALLER or a worker's number), NOBODY until then. */
  readonly chunkDone: Int32Array;
}

/** What a pool thread is lent: the index, the job, and its number in `chunkDone`. */
export interface WorkerInput {
  readonly index: SearchIndex;
  readonly job: QueryJob;
  /** Its number in `chunkDone`. */
  readonly thread: number;
}

/** Threads to use for `articles` articles, the calling one included. */
export function defaultThreads(articles: number): number {
  return articles < PARALLEL_FROM ? 1 : Math.min(MAX_THREADS, availableParallelism());
}

/**
 * Threads that can take a share of the queries besides the calling one: the
 * build's work pool (`work/pool.ts`), whose threads start as the outputs are
 * begun and join as they are up. `lend` gives the task to up to `count` idle threads
 * and returns how many took it; they report progress through `job` alone.
 */
export interface QueryHelpers {
  lend(count: number, task: (number: number) => { readonly kind: 'query'; readonly input: WorkerInput }): number;
}

export interface QueryAllOptions {
  /** Threads to use, the calling one included. */
  readonly threads: number;
  /** Where the other threads come from; without, the calling thread ranks alone. */
  readonly helpers?: QueryHelpers;
  /** Whether the calling thread ranks too (default true); false leaves every chunk to the workers, for testing them. */
  readonly callerRanks?: boolean;
  /** How long the calling thread waits for a worker's progress before ranking the worker's chunks itself (default 2 s). */
  readonly stallMs?: number;
}

export interface QueryAllResult {
  /** Each article's list, as `Searcher.query` gives it. */
  readonly lists: ScoredPair[][];
  /** How many chunks the articles were ranked in, and how many of them workers ranked. */
  readonly chunks: number;
  readonly workerChunks: number;
}

/**
 * The related lists of every article: article i asks for `wanted[i]` and
 * leaves out `exclude[i]`. The same as calling `searcher.query` for each in
 * turn, whatever the number of threads.
 */
export function queryAll(index: SearchIndex, searcher: Searcher, wanted: readonly number[], exclude: readonly (readonly number[])[], options: QueryAllOptions): QueryAllResult {
  const job = newJob(wanted, exclude);
  const { helpers } = options;
  let lent = 0;
  /** Lends the job to pool threads free by now: one still busy or starting joins at a later chunk. */
  const recruit = (): void => {
    if (!helpers || lent >= options.threads - 1) return;
    lent += helpers.lend(options.threads - 1 - lent, (number) => ({ kind: 'query', input: { index, job, thread: CALLER + 1 + lent + number } }));
  };
  recruit();
  if (options.callerRanks !== false || lent === 0) takeChunks(searcher, job, CALLER, recruit);
  awaitChunks(searcher, job, options.stallMs ?? STALL_MS);
  let workerChunks = 0;
  for (const thread of job.chunkDone) if (thread !== CALLER) workerChunks++;
  return { lists: Array.from({ length: job.articles }, (_, article) => resultsOf(job, article)), chunks: job.chunkDone.length, workerChunks };
}

/**
 * Takes chunks until none are left, as `thread`: a worker's whole life, and
 * the calling thread's share, which calls `between` after each chunk.
 */
export function takeChunks(searcher: Searcher, job: QueryJob, thread: number, between?: () => void): void {
  for (;;) {
    const chunk = Atomics.add(job.control, NEXT_CHUNK, 1);
    if (chunk * CHUNK >= job.articles) return;
    runChunk(searcher, job, chunk, thread);
    between?.();
  }
}

/**
 * Blocks until every chunk is done. Chunks a worker took and did not finish,
 * because it failed or stalled, are ranked here; the worker may still be
 * writing them meanwhile, which is harmless only because every thread writes
 * the same results for the same article.
 */
function awaitChunks(searcher: Searcher, job: QueryJob, stallMs: number): void {
  const chunks = job.chunkDone.length;
  for (;;) {
    const events = Atomics.load(job.control, EVENTS);
    if (Atomics.load(job.control, DONE_CHUNKS) >= chunks) return;
    const failed = Atomics.load(job.control, FAILED) !== 0;
    if (failed || Atomics.wait(job.control, EVENTS, events, stallMs) === 'timed-out') {
      for (let chunk = 0; chunk < chunks; chunk++) if (Atomics.load(job.chunkDone, chunk) === NOBODY) runChunk(searcher, job, chunk, CALLER);
      return;
    }
  }
}

function runChunk(searcher: Searcher, job: QueryJob, chunk: number, thread: number): void {
  const { width, others, scores, wanted, excludeStart, excluded } = job;
  for (let article = chunk * CHUNK; article < Math.min(job.articles, (chunk + 1) * CHUNK); article++) {
    const from = excludeStart[article] ?? 0;
    const to = excludeStart[article + 1] ?? 0;
    const exclude = to > from ? new Set(excluded.subarray(from, to)) : undefined;
    const results = searcher.query(article, wanted[article] ?? 0, exclude);
    for (let k = 0; k < width; k++) {
      others[article * width + k] = results[k]?.other ?? -1;
      scores[article * width + k] = results[k]?.score ?? 0;
    }
  }
  // A chunk ranked twice (see awaitChunks) counts once.
  if (Atomics.compareExchange(job.chunkDone, chunk, NOBODY, thread) === NOBODY) Atomics.add(job.control, DONE_CHUNKS, 1);
  signalEvent(job);
}

/** Tells the calling thread that a worker failed, so that it stops waiting and ranks what is left itself. */
export function fail(job: QueryJob): void {
  Atomics.store(job.control, FAILED, 1);
  signalEvent(job);
}

function signalEvent(job: QueryJob): void {
  Atomics.add(job.control, EVENTS, 1);
  Atomics.notify(job.control, EVENTS);
}

function newJob(wanted: readonly number[], exclude: readonly (readonly number[])[]): QueryJob {
  const articles = wanted.length;
  const width = wanted.reduce((widest, count) => Math.max(widest, count), 0);
  const excludeStart = sharedArray(Int32Array, articles + 1);
  exclude.forEach((list, article) => (excludeStart[article + 1] = (excludeStart[article] ?? 0) + list.length));
  return {
    articles,
    wanted: sharedCopy(Int32Array, wanted),
    excludeStart,
    excluded: sharedCopy(Int32Array, exclude.flat()),
    width,
    others: sharedArray(Int32Array, articles * width),
    scores: sharedArray(Float64Array, articles * width),
    control: sharedArray(Int32Array, 4),
    chunkDone: sharedArray(Int32Array, Math.ceil(articles / CHUNK)),
  };
}

function resultsOf(job: QueryJob, article: number): ScoredPair[] {
  const results: ScoredPair[] = [];
  for (let k = article * job.width; k < (article + 1) * job.width; k++) {
    const other = job.others[k] ?? -1;
    if (other < 0) break;
    results.push({ other, score: job.scores[k] ?? 0 });
  }
  return results;
}
