/** A worker thread of `parallel.ts`: ranks its share of the articles of one shared index. */
import { workerData } from 'node:worker_threads';
import { fail, takeChunks, type WorkerInput } from './parallel.js';
import { Searcher } from './search.js';

const { index, job, thread } = workerData as WorkerInput;
try {
  takeChunks(new Searcher(index), job, thread);
} catch (error) {
  fail(job);
  throw error;
}
