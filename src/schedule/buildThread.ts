/**
 * The daemon's builds, run on a thread of their own (`buildWorker.ts`). Most
 * of a build is synchronous work that no signal can interrupt on the thread
 * doing it; on another thread, the daemon's own stays free, and SIGTERM can
 * stop a build at once: before its first rename nothing of it is in the
 * output, and the files it staged are removed by the next build. A build
 * already renaming its files into place is let finish.
 */
import { Worker } from 'node:worker_threads';
import { BuildSetupError, type BuildPaths } from '../build.js';
import { SourceChangedError } from '../load/source.js';
import { MessageError } from '../i18n/message.js';
import { sharedArray, startWorker } from '../threads.js';
import { COMMITTING, type BuildAsk, type BuildReply, type BuildRequest, type BuildWorkerInput, type FailureDescription, type ThreadOutcome } from './buildProtocol.js';

const WORKER_SCRIPT = new URL('./buildWorker.js', import.meta.url);

/** A build stopped by the daemon's own shutdown; nothing of it was published. */
export class BuildStoppedError extends Error {
  constructor() {
    super('stopped before it was written; the previous feeds stay in place');
  }
}

type Pending = { resolve: (reply: BuildReply) => void; reject: (error: Error) => void };

export class BuildThread {
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private stopping = false;

  private constructor(
    private worker: Worker,
    private readonly phase: Int32Array,
    private readonly input: BuildWorkerInput,
  ) {
    this.listen(worker);
  }

  /** A build thread, or undefined when there can be none (running from the TypeScript sources): the daemon then builds on its own thread. */
  static start(paths: BuildPaths, options: { allowShrink: boolean; cache: boolean; aheadBytes: number }): BuildThread | undefined {
    const phase = sharedArray(Int32Array, 1);
    const input: BuildWorkerInput = { paths, ...options, phase };
    const worker = startWorker(WORKER_SCRIPT, input);
    return worker ? new BuildThread(worker, phase, input) : undefined;
  }

  /** `sweep`: see `BuildAsk`. */
  async build(now: Date, sweep = false): Promise<ThreadOutcome> {
    return outcomeOf(await this.ask({ kind: 'build', now, sweep }));
  }

  /** Prepares the build for `at` on the thread; false when it cannot be prepared (too large). */
  async prepare(at: Date, sweep = false): Promise<boolean> {
    const reply = await this.ask({ kind: 'prepare', at, sweep });
    if ('failure' in reply) throw errorOf(reply.failure);
    return 'prepared' in reply && reply.prepared;
  }

  /** Writes the build prepared last. */
  async commit(): Promise<ThreadOutcome> {
    return outcomeOf(await this.ask({ kind: 'commit' }));
  }

  /**
   * Stops the thread: at once when its build has not begun renaming files
   * into place (that build fails with BuildStoppedError), else after the
   * renames, at most `graceMs` later.
   */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    const deadline = Date.now() + graceMs;
    while (this.pending.size > 0 && Atomics.load(this.phase, 0) === COMMITTING && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await this.worker.terminate();
    this.failAll(new BuildStoppedError());
  }

  private ask(request: BuildAsk): Promise<BuildReply> {
    if (this.stopping) return Promise.reject(new BuildStoppedError());
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      const message: BuildRequest = { ...request, id };
      this.worker.postMessage(message);
    });
  }

  private listen(worker: Worker): void {
    worker.on('message', (reply: BuildReply) => {
      const pending = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      pending?.resolve(reply);
    });
    // A thread that dies (out of memory, a crash) fails its build; the next build gets a new thread.
    worker.on('exit', (code) => {
      if (this.stopping) return;
      this.failAll(new Error(`the build thread stopped (exit code ${code}); the previous feeds stay in place`));
      const replacement = startWorker(WORKER_SCRIPT, this.input);
      if (replacement) {
        this.worker = replacement;
        this.listen(replacement);
      }
    });
  }

  private failAll(error: Error): void {
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }
}

function outcomeOf(reply: BuildReply): ThreadOutcome {
  if ('failure' in reply) throw errorOf(reply.failure);
  if ('outcome' in reply) return reply.outcome;
  throw new Error('the build thread gave no outcome');
}

/** The error the daemon would have met building on its own thread, as far as it decides anything on it. */
function errorOf(failure: FailureDescription): Error {
  const cause = failure.changingFile ? new SourceChangedError('', failure.message) : undefined;
  if (failure.setup || cause) return new BuildSetupError(failure.text, failure.diagnostics, { cause });
  // A failure told as a message (a write failure) is logged in the editor's language, as the CLI prints it.
  return failure.told ? new MessageError(failure.text) : new Error(failure.message);
}
