/**
 * How the build's thread and the render threads of `bounded.ts` talk. Nothing
 * here is imported at run time, so that a worker can load it even when the
 * renderer fails to load, and still say so.
 */
import type { MessagePort } from 'node:worker_threads';
import type { Limits } from '../config.js';

/** A body to render, as sent to a render thread. */
export interface RenderTask {
  readonly id: number;
  readonly markdown: string;
  /** The article's URL, against which relative links are resolved. */
  readonly pageUrl: string;
}

/** What a render thread is started with. */
export interface RenderWorkerInput {
  /** [events]: every reply adds one, so the build's thread can sleep until the next. */
  readonly signal: Int32Array;
  /** Where tasks arrive and replies go. */
  readonly port: MessagePort;
  readonly limits: Limits;
}

/** A render thread's replies, in the order it sends them. */
export type RenderReply =
  | { readonly kind: 'ready' }
  | { readonly kind: 'unavailable'; readonly error: string }
  | { readonly kind: 'rendered'; readonly id: number; readonly html: string; readonly warnings: readonly string[] }
  | { readonly kind: 'failed'; readonly id: number; readonly reason: string };

/** The index in `signal` of the count of replies sent. */
export const EVENTS = 0;
