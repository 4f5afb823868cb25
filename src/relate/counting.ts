import { MessageChannel, type MessagePort, receiveMessageOnPort, type Worker } from 'node:worker_threads';
import { COUNTED, type CountItem, type CountMessage, type CountReply, type CountWorkerInput, DONE, FAILED, FINISH, READY, STARTING, STATE } from './countProtocol.js';
import { type CountedText, TermIndex } from './terms.js';
import { sharedArray, startWorker } from '../threads.js';

/**
 * Counting terms while the loader reads the archive. The loader parses one
 * file after another on the calling thread; counting each body's words is a
 * twentieth of that work and needs nothing else, so on a large archive it
 * runs on a worker thread at the same time, and the related stage finds the
 * counts done when the load ends. Small archives count on the calling thread,
 * where starting a thread would cost more than it saves, and so does any
 * archive when no worker can start.
 */
export interface TermCounter {
  /** Counts the terms of a post's title, summary and `body`. */
  add(post: CountedText, body: string): void;
  /** Every count, once all are done; the counter is finished with. */
  finish(): TermIndex;
  /** Stops the worker thread, if there is one, without waiting for counts (after a failure). */
  close(): void;
  /** Whether the counts came back from a worker thread (rather than being counted here, from the start or after a worker failed to start). */
  readonly onThread: boolean;
}

export interface CounterOptions {
  /** How many posts are coming, when that is known: below `threadFrom` they are counted here from the first. */
  readonly expectedPosts?: number | undefined;
  /** Posts from which counting moves to a worker thread (default THREAD_FROM). */
  readonly threadFrom?: number;
}

/** Below this many posts, counting stays on the calling thread. */
export const THREAD_FROM = 1000;
/** Posts sent to the worker at a time: fewer messages, each still small. */
const BATCH = 128;
/** The longest the loader waits for the worker to start, at the end, before counting the posts it kept itself. */
const START_TIMEOUT_MS = 10_000;
/** The longest the loader waits for the worker to count one more batch before giving up. */
const STALL_MS = 30_000;

const WORKER_SCRIPT = new URL('./countWorker.js', import.meta.url);

export function termCounter(options: CounterOptions = {}): TermCounter {
  return new Counter(options.threadFrom ?? THREAD_FROM, options.expectedPosts);
}

interface CountingThread {
  readonly worker: Worker;
  readonly port: MessagePort;
  readonly signal: Int32Array;
  /** Whether posts went to it: after that, its failure loses them. */
  sent: boolean;
}

class Counter implements TermCounter {
  /** Posts not yet counted: until the thread starts and says it is ready, then between batches. */
  private pending: CountItem[] = [];
  private thread: CountingThread | undefined;
  private local: TermIndex | undefined;
  private countedOnThread = false;

  constructor(
    private readonly threadFrom: number,
    expectedPosts: number | undefined,
  ) {
    if (expectedPosts !== undefined && expectedPosts < threadFrom) this.local = new TermIndex();
  }

  get onThread(): boolean {
    return this.countedOnThread;
  }

  add(post: CountedText, body: string): void {
    if (this.local) {
      this.local.add(post, body);
      return;
    }
    this.pending.push({ sourcePath: post.sourcePath, lang: post.lang, title: post.title, summaryMarkdown: post.summaryMarkdown, body });
    if (!this.thread && this.pending.length >= this.threadFrom) this.start();
    if (this.thread && this.pending.length >= BATCH) this.send();
  }

  finish(): TermIndex {
    const thread = this.thread;
    try {
      if (thread && this.ready(thread, START_TIMEOUT_MS)) {
        this.send();
        thread.worker.postMessage(FINISH satisfies CountMessage);
        awaitWorker(thread.signal);
        const reply = receiveMessageOnPort(thread.port)?.message as CountReply | undefined;
        if (reply && 'snapshot' in reply) {
          this.countedOnThread = true;
          return TermIndex.fromSnapshot(reply.snapshot);
        }
        throw new Error(`counting terms failed on the worker thread: ${reply?.error ?? 'no reply'}`);
      }
      this.countHere();
      return this.local ?? new TermIndex();
    } finally {
      this.close();
    }
  }

  close(): void {
    if (!this.thread) return;
    this.thread.port.close();
    void this.thread.worker.terminate();
    this.thread = undefined;
  }

  /** Starts the worker; without one, counting stays here for good. */
  private start(): void {
    const signal = sharedArray(Int32Array, 2);
    const { port1, port2 } = new MessageChannel();
    const worker = startWorker(WORKER_SCRIPT, { signal, port: port2 } satisfies CountWorkerInput, [port2]);
    if (!worker) {
      port1.close();
      this.countHere();
      return;
    }
    this.thread = { worker, port: port1, signal, sent: false };
  }

  /** Sends the pending posts, once the worker is ready; a worker that failed before taking any leaves them to be counted here. */
  private send(): void {
    const thread = this.thread;
    if (!thread || this.pending.length === 0 || !this.ready(thread, 0)) return;
    thread.worker.postMessage(this.pending satisfies CountMessage);
    thread.sent = true;
    this.pending = [];
  }

  /**
   * Whether the worker is ready for posts, waiting up to `timeoutMs` while it
   * starts. A worker that failed or never started, before it was sent any,
   * is given up: counting comes back here.
   */
  private ready(thread: CountingThread, timeoutMs: number): boolean {
    if (Atomics.load(thread.signal, STATE) === STARTING) Atomics.wait(thread.signal, STATE, STARTING, timeoutMs);
    const state = Atomics.load(thread.signal, STATE);
    if (state === READY || (state !== STARTING && thread.sent)) return true;
    if (state === STARTING && timeoutMs === 0) return false;
    this.close();
    this.countHere();
    return false;
  }

  /** Counts the pending posts here, and every later one. */
  private countHere(): void {
    this.local ??= new TermIndex();
    for (const item of this.pending) this.local.add(item, item.body);
    this.pending = [];
  }
}

/** Blocks until the worker is done or failed; throws when it stops making progress (it died). */
function awaitWorker(signal: Int32Array): void {
  let counted = Atomics.load(signal, COUNTED);
  while (Atomics.load(signal, STATE) === READY) {
    if (Atomics.wait(signal, STATE, READY, STALL_MS) === 'timed-out') {
      const now = Atomics.load(signal, COUNTED);
      if (now === counted) throw new Error(`counting terms failed: the worker thread counted nothing for ${STALL_MS / 1000} s`);
      counted = now;
    }
  }
  if (Atomics.load(signal, STATE) !== DONE && Atomics.load(signal, STATE) !== FAILED) throw new Error('counting terms failed: the worker thread is in an unknown state');
}
