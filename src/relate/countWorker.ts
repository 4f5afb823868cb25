/** The worker thread of `counting.ts`: counts the terms of the posts the loader sends, and hands the index back at the end. */
import { parentPort, workerData } from 'node:worker_threads';
import { COUNTED, type CountMessage, type CountReply, type CountWorkerInput, DONE, FAILED, FINISH, READY, STATE } from './countProtocol.js';

const { signal, port } = workerData as CountWorkerInput;

/** Sets the state the loader's thread waits on; what it will read goes on the port first. */
function settle(state: number, reply?: CountReply): void {
  if (reply) port.postMessage(reply);
  Atomics.store(signal, STATE, state);
  Atomics.notify(signal, STATE);
}

const failed = (error: unknown): void => settle(FAILED, { error: error instanceof Error ? error.message : String(error) });

try {
  // Loaded here rather than imported, so that a module failing to load is reported as a failure, not a silence.
  const { TermIndex } = await import('./terms.js');
  const index = new TermIndex({ shared: true });
  parentPort?.on('message', (message: CountMessage) => {
    try {
      if (message === FINISH) {
        settle(DONE, { snapshot: index.snapshot() });
        return;
      }
      for (const item of message) index.add(item, item.body);
      Atomics.add(signal, COUNTED, 1);
    } catch (error) {
      failed(error);
    }
  });
  settle(READY);
} catch (error) {
  failed(error);
}
