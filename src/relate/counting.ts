import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { sharedArray } from './shared.js';
import { type CountedText, TermIndex, type TermSnapshot } from './terms.js';

/**
 * Counting terms while the loader reads the archive. The loader parses one
 * file after another on the calling thread; counting each body's words is a
 * twentieth of that work and needs nothing else, so on a large archive it
 * runs on a worker thread at the same time, and the related stage finds the
 * counts done when the load ends. Small archives count on the calling thread,
 * where starting a thread would cost more than it saves.
 */
export interface TermCounter {
  /** Counts the terms of a post's title, summary and `body`. */
  add(post: CountedText, body: string): void;
  /** Every count, once all are done; the counter is finished with. */
  finish(): TermIndex;
  /** Stops the worker thread, if there is one, without waiting for counts (after a failure). */
  close(): void;
  /** Whether the counting went to a worker thread. */
  readonly onThread: boolean;
}

export interface CounterOptions {
  /** Posts from which counting moves to a worker thread (default THREAD_FROM); the posts before are handed over then. */
  readonly threadFrom?: number;
}

/** A text to count, as sent to the worker. */
export interface CountItem extends CountedText {
  readonly body: string;
}

/** What the worker gets to start with. */
export interface CountWorkerInput {
  /** [state, batches counted]: state is WORKING, DONE or FAILED. */
  readonly signal: Int32Array;
  /** Where the worker sends the snapshot, or its error. */
  readonly port: MessagePort;
}

/** Messages to the worker: a batch of items, or FINISH. */
export type CountMessage = readonly CountItem[] | typeof FINISH;

export const FINISH = 'finish';
export const WORKING = 0;
export const DONE = 1;
export const FAILED = 2;

/** Below this many posts, counting stays on the calling thread. */
export const THREAD_FROM = 1000;
/** Posts sent to the worker at a time: fewer messages, each still small. */
const BATCH = 128;
/** The longest the calling thread waits for the worker to count one more batch before giving up. */
const STALL_MS = 30_000;

const WORKER_SCRIPT = new URL('./countWorker.js', import.meta.url);

export function termCounter(options: CounterOptions = {}): TermCounter {
  return new Counter(options.threadFrom ?? THREAD_FROM);
}

class Counter implements TermCounter {
  private pending: CountItem[] = [];
  private thread: { worker: Worker; port: MessagePort; signal: Int32Array } | undefined;
  private local: TermIndex | undefined;
  private started = false;

  constructor(private readonly threadFrom: number) {}

  get onThread(): boolean {
    return this.started;
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
    if (!this.thread) {
      const index = this.local ?? new TermIndex();
      for (const item of this.pending) index.add(item, item.body);
      this.pending = [];
      return index;
    }
    this.send();
    const { worker, port, signal } = this.thread;
    worker.postMessage(FINISH satisfies CountMessage);
    try {
      awaitWorker(signal);
      const reply = receiveMessageOnPort(port)?.message as TermSnapshot | { error: string } | undefined;
      if (!reply || 'error' in reply) throw new Error(`counting terms failed: ${reply?.error ?? 'no reply from the worker thread'}`);
      return TermIndex.fromSnapshot(reply);
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

  /** Moves counting to a worker thread, or keeps it here for good when there is no compiled worker (running from the TypeScript sources). */
  private start(): void {
    if (!existsSync(fileURLToPath(WORKER_SCRIPT))) {
      this.local = new TermIndex();
      for (const item of this.pending) this.local.add(item, item.body);
      this.pending = [];
      return;
    }
    const signal = sharedArray(Int32Array, 2);
    const { port1, port2 } = new MessageChannel();
    const worker = new Worker(WORKER_SCRIPT, { workerData: { signal, port: port2 } satisfies CountWorkerInput, transferList: [port2] });
    // Never keeps the process alive; its failures reach `finish` through the signal.
    worker.unref();
    worker.on('error', () => undefined);
    this.thread = { worker, port: port1, signal };
    this.started = true;
  }

  private send(): void {
    if (!this.thread || this.pending.length === 0) return;
    this.thread.worker.postMessage(this.pending satisfies CountMessage);
    this.pending = [];
  }
}

/** Blocks until the worker is done or failed; throws when it stops making progress (it died, or never started). */
function awaitWorker(signal: Int32Array): void {
  let progress = Atomics.load(signal, 1);
  while (Atomics.load(signal, 0) === WORKING) {
    if (Atomics.wait(signal, 0, WORKING, STALL_MS) === 'timed-out') {
      const now = Atomics.load(signal, 1);
      if (now === progress) throw new Error(`counting terms failed: the worker thread counted nothing for ${STALL_MS / 1000} s`);
      progress = now;
    }
  }
}
