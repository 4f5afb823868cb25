/**
 * The thread that stores the texts of many published posts (see
 * `storeTexts` in store.ts), while the build's thread composes the feeds.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { fileErrorOf, readText, storeText, type TextToStoreFrom, type TextsReply } from './texts.js';

const texts = workerData as readonly TextToStoreFrom[];
let reply: TextsReply;
try {
  for (const text of texts) storeText(text, readText(text.from));
  reply = { done: true };
} catch (error) {
  reply = { failed: fileErrorOf(error) };
}
parentPort?.postMessage(reply);
