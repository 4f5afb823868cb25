/** A thread of the work pool (`pool.ts`): does the tasks it is sent, one at a time, and replies with each. */
import { workerData } from 'node:worker_threads';
import type { PostRecord } from '../load/cache.js';
import type { SourceFile } from '../load/parsePost.js';
import type { PostFileAt } from '../load/source.js';
import { EVENTS, type Reply, type SentRecord, type TaskMessage, type WorkerInput } from './protocol.js';

const { signal, port, limits, config } = workerData as WorkerInput;

/** Sends a reply, then wakes the build's thread, which reads it from the port. */
function reply(message: Reply): void {
  port.postMessage(message);
  Atomics.add(signal, EVENTS, 1);
  Atomics.notify(signal, EVENTS);
}

/**
 * The loader, with this thread's term counter (whose memory of spellings
 * makes counting fast, and whose string table is sent in pieces): imported
 * at the first file to load, as a thread that only renders never needs it.
 */
async function startLoader(): Promise<Loader> {
  const { loadRecord, readForLoad } = await import('../load/loadPosts.js');
  const { TermIndex } = await import('../relate/terms.js');
  const terms = new TermIndex();
  let stringsSent = 0;
  const load = (file: SourceFile, countTerms: boolean): Loaded => {
    if (!config) throw new Error('this thread has no config to load posts with');
    const { post, diagnostics, terms: counted }: PostRecord = loadRecord(file, config, countTerms ? terms : undefined, true);
    const record: SentRecord = { ...(post ? { post } : {}), diagnostics, ...(counted ? { terms: { terms: counted.terms, forms: counted.forms, counts: counted.counts, flags: counted.flags } } : {}) };
    const newStrings = counted ? counted.strings.slice(stringsSent) : [];
    if (counted) stringsSent = counted.strings.length;
    return { record, newStrings };
  };
  const read = (at: PostFileAt, countTerms: boolean): Loaded | undefined => {
    const found = readForLoad(at);
    if (!found) return undefined;
    if ('record' in found) return { record: found.record, newStrings: [] };
    return { ...load(found.file, countTerms), hash: found.file.hash };
  };
  return { load, read };
}

/** What a `loaded` reply says besides its kind and number. */
type Loaded = Omit<Extract<Reply, { kind: 'loaded' }>, 'kind' | 'id'>;

/** Loads a post file sent whole, or reads one itself (undefined when it vanished) and loads it. */
interface Loader {
  load(file: SourceFile, countTerms: boolean): Loaded;
  read(at: PostFileAt, countTerms: boolean): Loaded | undefined;
}

try {
  // Loaded here rather than imported, so that a module failing to load is reported, not a silence.
  const { renderBody } = await import('../render/article.js');
  const { renderFailureReason } = await import('../render/failure.js');
  const { fail, takeChunks } = await import('../relate/parallel.js');
  const { Searcher } = await import('../relate/search.js');
  let loader: ReturnType<typeof startLoader> | undefined;

  const answer = async (task: TaskMessage): Promise<Reply> => {
    switch (task.kind) {
      case 'load':
        return { kind: 'loaded', id: task.id, ...(await (loader ??= startLoader())).load(task.file, task.countTerms) };
      case 'read': {
        const loaded = (await (loader ??= startLoader())).read(task.file, task.countTerms);
        return loaded ? { kind: 'loaded', id: task.id, ...loaded } : { kind: 'vanished', id: task.id };
      }
      case 'render':
        return { kind: 'rendered', id: task.id, ...renderBody(task.pageUrl, task.markdown, limits) };
      case 'query':
        try {
          takeChunks(new Searcher(task.input.index), task.input.job, task.input.thread);
        } catch (error) {
          fail(task.input.job);
          throw error;
        }
        return { kind: 'queried', id: task.id };
    }
  };
  // Tasks are answered in the order they came: the build's thread gives a queued task its deadline when the one before is answered.
  port.on('message', (task: TaskMessage) => {
    answer(task).then(reply, (error: unknown) => reply({ kind: 'failed', id: task.id, reason: renderFailureReason(error) }));
  });
  reply({ kind: 'ready' });
} catch (error) {
  reply({ kind: 'unavailable', error: error instanceof Error ? error.message : String(error) });
}
