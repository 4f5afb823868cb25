/**
 * How the build's thread and the threads of its work pool (`pool.ts`) talk.
 * Nothing here is imported at run time, so that a worker can load it even
 * when the stages fail to load, and still say so.
 */
import type { Message } from '../i18n/message.js';
import type { MessagePort } from 'node:worker_threads';
import type { Limits, SiteConfig } from '../config.js';
import type { Diagnostic } from '../diagnostics.js';
import type { SourceFile } from '../load/parsePost.js';
import type { PostFileAt } from '../load/source.js';
import type { Post } from '../model.js';
import type { WorkerInput as QueryInput } from '../relate/parallel.js';
import type { PostTerms } from '../relate/terms.js';

/** What a pool thread is started with. */
export interface WorkerInput {
  /** [events]: every reply adds one, so the build's thread can sleep until the next. */
  readonly signal: Int32Array;
  /** Where tasks arrive and replies go. */
  readonly port: MessagePort;
  readonly limits: Limits;
  /** The site config, for loading posts; a pool that only renders has none. */
  readonly config?: SiteConfig;
}

/** The per-post work a pool thread does: one post file loaded, one body rendered, or a share of the related queries. */
export type Task =
  | { readonly kind: 'load'; readonly file: SourceFile; readonly countTerms: boolean }
  /** A post file the thread reads itself, so the build's thread neither reads nor copies its text. */
  | { readonly kind: 'read'; readonly file: PostFileAt; readonly countTerms: boolean }
  | { readonly kind: 'render'; readonly markdown: string; readonly pageUrl: string }
  | { readonly kind: 'query'; readonly input: QueryInput };

export type TaskMessage = Task & { readonly id: number };

/**
 * A post file's record as a thread sends it: its term counts index the
 * thread's own string table, of which each reply carries only the strings
 * new since its last one (the whole table would be copied with every post).
 */
export interface SentRecord {
  readonly post?: Post;
  readonly diagnostics: readonly Diagnostic[];
  readonly terms?: Omit<PostTerms, 'strings'>;
}

/** A pool thread's replies, in the order it sends them. */
export type Reply =
  | { readonly kind: 'ready' }
  | { readonly kind: 'unavailable'; readonly error: string }
  /** `hash`: the `sourceHash` of the text, when the thread read the file itself. */
  | { readonly kind: 'loaded'; readonly id: number; readonly record: SentRecord; readonly newStrings: readonly string[]; readonly hash?: string }
  /** The file to read was deleted since it was listed. */
  | { readonly kind: 'vanished'; readonly id: number }
  | { readonly kind: 'rendered'; readonly id: number; readonly html: string; readonly warnings: readonly Message[] }
  | { readonly kind: 'queried'; readonly id: number }
  | { readonly kind: 'failed'; readonly id: number; readonly reason: Message };

/** The index in `signal` of the count of replies sent. */
export const EVENTS = 0;
