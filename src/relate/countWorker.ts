/** The worker thread of `counting.ts`: counts the terms of the posts the loader sends, and hands the index back at the end. */
import { parentPort, workerData } from 'node:worker_threads';
import { type CountMessage, type CountWorkerInput, DONE, FAILED, FINISH } from './counting.js';
import { TermIndex } from './terms.js';

const { signal, port } = workerData as CountWorkerInput;
const index = new TermIndex({ shared: true });

/** Sets the state the calling thread waits on; what it reads goes on the port first. */
function settle(state: number, reply: unknown): void {
  port.postMessage(reply);
  Atomics.store(signal, 0, state);
  Atomics.notify(signal, 0);
}

parentPort?.on('message', (message: CountMessage) => {
  try {
    if (message === FINISH) {
      settle(DONE, index.snapshot());
      return;
    }
    for (const item of message) index.add(item, item.body);
    Atomics.add(signal, 1, 1);
  } catch (error) {
    settle(FAILED, { error: error instanceof Error ? error.message : String(error) });
  }
});
