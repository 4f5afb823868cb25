/**
 * How the daemon's thread and its build thread (`buildThread.ts`) talk.
 * Nothing here is imported at run time.
 */
import type { BuildOutcome, BuildPaths } from '../build.js';
import type { Diagnostic } from '../diagnostics.js';
import type { Message } from '../i18n/message.js';
import type { TimedPost } from './embargo.js';

export interface BuildWorkerInput {
  readonly paths: BuildPaths;
  readonly allowShrink: boolean;
  /** See `BuildOptions.cache`. */
  readonly cache: boolean;
  /** Most bytes of feeds a prepared build holds (see `PrepareOptions.aheadBytes`). */
  readonly aheadBytes: number;
  /** [phase]: COMMITTING from the first rename to the end of the build, else IDLE. */
  readonly phase: Int32Array;
}

export const IDLE = 0;
export const COMMITTING = 1;

/** `sweep`: temporary files another process may have left are to be removed first, whether or not a build of this thread got through (the daemon took its lock again). */
export type BuildAsk = { readonly kind: 'build'; readonly now: Date; readonly sweep?: boolean } | { readonly kind: 'prepare'; readonly at: Date; readonly sweep?: boolean } | { readonly kind: 'commit' };

export type BuildRequest = BuildAsk & { readonly id: number };

/** An error as it crosses threads: classes do not, so what the daemon decides on is spelled out. */
export interface FailureDescription {
  readonly message: string;
  /** The same words as a message, for a reader of another language. */
  readonly text: Message;
  /** Whether `text` is the error's own (a `MessageError`'s) rather than an unexpected error's description. */
  readonly told: boolean;
  /** A problem before any output (a BuildSetupError), with its diagnostics. */
  readonly setup: boolean;
  readonly diagnostics: readonly Diagnostic[];
  /** The build met a post changing under it (see `metChangingFile`). */
  readonly changingFile: boolean;
}

/** A build's outcome as the build thread sends it: of the posts, those whose place in the feeds changes after the build's moment (see `timedAfter`). */
export type ThreadOutcome = Omit<BuildOutcome, 'posts'> & { readonly posts: readonly TimedPost[] };

export type BuildReply =
  | { readonly id: number; readonly outcome: ThreadOutcome }
  | { readonly id: number; readonly prepared: boolean }
  | { readonly id: number; readonly failure: FailureDescription };
