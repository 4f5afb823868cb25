/**
 * The thread that stores the texts of many published posts (see
 * `storeTexts` in store.ts), while the build's thread composes the feeds.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { fileErrorOf, readText, storeText, type TextToStoreFrom, type TextsReply } from './texts.js';

const texts = workerData as readonly TextToStoreFrom[];
let reply: TextsReply;
try {
  const unkept = texts.filter((text) => !storeText(text, readText(text.from))).map((text) => text.hash);
  reply = { done: true, unkept };
} catch (error) {
  reply = { failed: fileErrorOf(error) };
}
parentPort?.postMessage(reply);
