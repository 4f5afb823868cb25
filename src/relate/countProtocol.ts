/**
 * How the loader's thread and the counting thread of `counting.ts` talk.
 * Nothing here imports anything, so that the worker can load it even when
 * something else of the program fails to load, and still say so.
 */
import type { MessagePort } from 'node:worker_threads';
import type { CountedText, TermSnapshot } from './terms.js';

/** A post to count, as sent to the worker. */
export interface CountItem extends CountedText {
  readonly body: string;
}

/** What the worker is started with. */
export interface CountWorkerInput {
  /** [state, batches counted]. */
  readonly signal: Int32Array;
  /** Where the worker sends its reply: the snapshot, or why it failed. */
  readonly port: MessagePort;
}

/** Messages to the worker: a batch of posts, or FINISH. */
export type CountMessage = readonly CountItem[] | typeof FINISH;
export const FINISH = 'finish';

/** The worker's reply on the port. */
export type CountReply = { readonly snapshot: TermSnapshot } | { readonly error: string };

// States of the worker, in signal[STATE].
export const STATE = 0;
export const COUNTED = 1;
export const STARTING = 0;
export const READY = 1;
export const DONE = 2;
export const FAILED = 3;
