/**
 * The daemon's build thread: runs and prepares builds as the daemon's thread
 * asks, so that thread stays free for signals, the watcher and the server
 * while a build of a large archive takes its seconds.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { BuildSetupError, metChangingFile, prepareBuild, runBuild, type PreparedBuild } from '../build.js';
import { CacheMemory } from '../load/cache.js';
import { message, MessageError } from '../i18n/message.js';
import { COMMITTING, IDLE, type BuildReply, type BuildRequest, type BuildWorkerInput, type FailureDescription } from './buildProtocol.js';

const { paths, allowShrink, cache, aheadBytes, phase } = workerData as BuildWorkerInput;
const beforeCommit = (): void => {
  Atomics.store(phase, 0, COMMITTING);
};
let prepared: PreparedBuild | undefined;
// The records of the last build, kept in this thread for the next: it need not read back the store it has just written.
const memory = new CacheMemory();

function describe(error: unknown): FailureDescription {
  return {
    message: error instanceof Error ? error.message : String(error),
    text: error instanceof MessageError ? error.text : message('errors.unexpected', { detail: error instanceof Error ? error.message : String(error) }),
    setup: error instanceof BuildSetupError,
    diagnostics: error instanceof BuildSetupError ? error.diagnostics : [],
    changingFile: metChangingFile(error),
  };
}

async function answer(request: BuildRequest): Promise<BuildReply> {
  if (request.kind === 'build') return { id: request.id, outcome: await runBuild(paths, request.now, { allowShrink, cache, beforeCommit, memory }) };
  if (request.kind === 'prepare') {
    prepared = await prepareBuild(paths, request.at, { allowShrink, cache, beforeCommit, aheadBytes, memory });
    return { id: request.id, prepared: prepared !== undefined };
  }
  const build = prepared;
  prepared = undefined;
  if (!build) throw new Error('no build is prepared');
  return { id: request.id, outcome: await build.commit() };
}

parentPort?.on('message', (request: BuildRequest) => {
  void answer(request)
    .catch((error: unknown): BuildReply => ({ id: request.id, failure: describe(error) }))
    .then((reply) => {
      Atomics.store(phase, 0, IDLE);
      parentPort?.postMessage(reply);
    });
});
