/**
 * The daemon's build thread: runs and prepares builds as the daemon's thread
 * asks, so that thread stays free for signals, the watcher and the server
 * while a build of a large archive takes its seconds.
 */
import { setFlagsFromString } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import { BuildSetupError, metChangingFile, prepareBuild, runBuild, type BuildOutcome, type PreparedBuild } from '../build.js';
import { timedAfter } from './embargo.js';
import { CacheMemory } from '../load/cache.js';
import { message, MessageError } from '../i18n/message.js';
import { WriteError } from '../write/output.js';
import { KeptThreads } from '../work/pool.js';
import { COMMITTING, IDLE, type BuildReply, type BuildRequest, type BuildWorkerInput, type FailureDescription, type ThreadOutcome } from './buildProtocol.js';

const { paths, allowShrink, cache, aheadBytes, phase } = workerData as BuildWorkerInput;
const beforeCommit = (): void => {
  Atomics.store(phase, 0, COMMITTING);
};
let prepared: PreparedBuild | undefined;
/** Whether a build of this thread got through: the temporary files a killed build left are removed until one has. */
let through = false;
// The records of the last build, kept in this thread for the next: it need not read back the store it has just written.
const memory = new CacheMemory();
// The pool thread of the last build, kept for the next (see `KeptThreads`).
const threadsKept = new KeptThreads();

/**
 * How far V8 lets the heap grow past the live data once the first build is
 * done. The CLI caps it at 10% so that a first build of tens of thousands of
 * posts stays near its live data; after it, the daemon's live data (every
 * post's record) hardly changes, and a build after a saved post, allocating
 * a few hundred MB of short-lived data, made V8 collect the whole heap again
 * and again. At 5,000 articles, in process: 3.1-3.8 s per build after a
 * saved post instead of 3.6-4.4 s, for 20-35 MB more at the build's peak.
 * 40% let the peak climb with each saved post (418-446 MB after three at
 * 5,000 articles with the kept pool thread); 20% held it at 399-405 MB,
 * with builds no slower within this machine's noise (2.4-4.0 s against
 * 2.3-3.5 s, nine each).
 */
const HEAP_GROWTH_AFTER_FIRST_BUILD = 20;

function describe(failed: unknown): FailureDescription {
  // Named as the CLI names it: from the site, where the daemon runs.
  const error = failed instanceof WriteError ? failed.namedFrom(process.cwd()) : failed;
  return {
    message: error instanceof Error ? error.message : String(error),
    text: error instanceof MessageError ? error.text : message('errors.unexpected', { detail: error instanceof Error ? error.message : String(error) }),
    told: error instanceof MessageError,
    setup: error instanceof BuildSetupError,
    diagnostics: error instanceof BuildSetupError ? error.diagnostics : [],
    changingFile: metChangingFile(error),
  };
}

/** An outcome as it crosses to the daemon's thread: the posts it plans the next publication from, not the whole archive. */
function sent(outcome: BuildOutcome, at: Date): ThreadOutcome {
  return { ...outcome, posts: timedAfter(outcome.posts, at) };
}

async function answer(request: BuildRequest): Promise<BuildReply> {
  const leftovers = !through || (request.kind !== 'commit' && request.sweep === true);
  if (request.kind === 'build') {
    const outcome = await runBuild(paths, request.now, { allowShrink, cache, beforeCommit, memory, threadsKept, leftovers });
    through = true;
    return { id: request.id, outcome: sent(outcome, request.now) };
  }
  if (request.kind === 'prepare') {
    prepared = await prepareBuild(paths, request.at, { allowShrink, cache, beforeCommit, aheadBytes, memory, threadsKept, leftovers });
    through = true;
    return { id: request.id, prepared: prepared !== undefined };
  }
  const build = prepared;
  prepared = undefined;
  if (!build) throw new Error('no build is prepared');
  return { id: request.id, outcome: sent(await build.commit(), build.at) };
}

parentPort?.on('message', (request: BuildRequest) => {
  void answer(request)
    .catch((error: unknown): BuildReply => ({ id: request.id, failure: describe(error) }))
    .then((reply) => {
      // Set again after each build, which costs nothing: the first build is the one it waits for.
      if ('outcome' in reply) setFlagsFromString(`--heap-growing-percent=${HEAP_GROWTH_AFTER_FIRST_BUILD}`);
      Atomics.store(phase, 0, IDLE);
      parentPort?.postMessage(reply);
      // Once the reply is sent: the daemon's thread hears of the build without waiting for this.
      setImmediate(() => {
        try {
          memory.prepareNext();
        } catch {
          // Not worth the thread: the next build that relates takes the counts in itself, and says what failed.
        }
      });
    });
});
