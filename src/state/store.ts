/**
 * The private state directory (`.nashra/` beside the config by default,
 * `--state-dir` otherwise): what the last build published and the exact texts
 * it published them from, the daemon's status, the lock. Never inside the
 * published output, so nothing here is ever served.
 *
 *   published.json        what the last build published: each post's file, text, id, content digest and dates (see published.ts),
 *                         and the articles added, updated and deleted within feeds.tombstoneDays (see changes.ts)
 *   sources/<hash>.md     the text of every published post, by content
 *   manifest.json         the files nashra owns in the output, to remove those no longer planned; what the output was
 *                         made from, and what lets the next build find nothing changed (see unchanged.ts)
 *   status.json           the last build, the last error, the next publication
 *   lock                  the process publishing now
 *   cache/posts.v8        what loading each post file gave, reused while the file is unchanged (see load/cache.ts)
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { dirname, join, relative, resolve, isAbsolute } from 'node:path';
import { message, type Message } from '../i18n/message.js';
import { sourceHash } from '../load/hash.js';
import { SourceChangedError, type PostSource } from '../load/source.js';
import type { Post } from '../model.js';
import { startWorker } from '../threads.js';
import { writeOutputs } from '../write/output.js';
import { errorOf, storeText, type TextsReply, type TextToStoreFrom } from './texts.js';
import { NOTHING_PUBLISHED, previousOf, PublishedRecordSchema, recordContentDigest, type Previous, type PublishedRecord, type RecordPaths } from './published.js';

export const STATE_DIR_NAME = '.nashra';
const PUBLISHED_FILE = 'published.json';
const MANIFEST_FILE = 'manifest.json';

/** The files nashra owns in the output directory (see `WriteOptions.manifestPath`). */
export function manifestPath(stateDir: string): string {
  return join(stateDir, MANIFEST_FILE);
}
const SOURCES_DIR = 'sources';

/** `--state-dir` when given, else `.nashra/` in the config file's directory. */
export function resolveStateDir(option: string | undefined, configFile: string): string {
  return option !== undefined ? resolve(option) : join(dirname(resolve(configFile)), STATE_DIR_NAME);
}

/**
 * Why a state directory cannot be used with these output and posts
 * directories, if it cannot: in the output it would be published; in the
 * posts its stored texts would be read back as posts.
 */
export function stateDirProblem(stateDir: string, outDir: string, postsDir: string): Message | undefined {
  if (isWithin(stateDir, outDir)) return message('errors.stateInOutput', { state: stateDir, out: outDir });
  if (isWithin(stateDir, postsDir)) return message('errors.stateInPosts', { state: stateDir, posts: postsDir });
  return undefined;
}

function isWithin(path: string, directory: string): boolean {
  const inside = relative(resolve(directory), resolve(path));
  return inside === '' || (!inside.startsWith('..') && !isAbsolute(inside));
}

/** The name of a stored text: a SHA-1 in base64url (27 characters), `.md`. */
const STORED_TEXT = /^[A-Za-z0-9_-]{27}\.md$/;

/** A stored text's file name: the hash in base64url, which is safe in a path. */
function textFile(stateDir: string, hash: string): string {
  return join(stateDir, SOURCES_DIR, textName(hash));
}

function textName(hash: string): string {
  return `${Buffer.from(hash, 'base64').toString('base64url')}.md`;
}

/** The names of the stored texts that recording `live` leaves in the state directory, sorted. */
export function storedTextsOf(live: readonly Post[]): string[] {
  return [...new Set(live.map((post) => textName(post.sourceHash)))].sort();
}

/** The names of the stored texts in the state directory now, sorted; none when the folder is missing. */
export async function storedTexts(stateDir: string): Promise<string[]> {
  const names = await readdir(join(stateDir, SOURCES_DIR)).catch(() => []);
  return names.filter((name) => STORED_TEXT.test(name)).sort();
}

export interface OpenedState {
  readonly previous: Previous;
  /** The record's `recordContentDigest`, when there is a record: what a build that finds nothing changed checks. */
  readonly contentDigest?: string;
  /** Why the record of the last build could not be used, when it could not. */
  readonly problem?: Message;
}

/**
 * The last build's record. A missing record means nothing was published yet;
 * an unreadable or invalid one is reported and treated the same way, never
 * trusted. Stored texts are checked against their hash when read.
 *
 * A record whose `recordContentDigest` is `written` (the digest of the record
 * a build wrote, as its manifest keeps it) is that record, its moment aside:
 * valid as it was, so not checked against the schema again (80 ms at 5,000
 * articles). `read` is the record's text and digest as the caller read them
 * moments ago, holding the lock: not read again.
 */
export function openPrevious(stateDir: string, paths: RecordPaths, written?: string, read?: RecordRead): OpenedState {
  const path = recordPath(stateDir);
  if (!read && !existsSync(path)) return { previous: NOTHING_PUBLISHED };
  let parsed: unknown;
  let text: string;
  try {
    text = read?.text ?? readFileSync(path, 'utf8');
    parsed = JSON.parse(text);
  } catch (error) {
    return { previous: NOTHING_PUBLISHED, problem: message('diagnostics.state.recordUnreadable', { path, detail: error instanceof Error ? error.message : String(error) }) };
  }
  const digest = read?.digest ?? recordContentDigest(text);
  if (digest === written) return openedOf(stateDir, parsed as PublishedRecord, digest, paths);
  const record = PublishedRecordSchema.safeParse(parsed);
  if (!record.success) return { previous: NOTHING_PUBLISHED, problem: message('diagnostics.state.recordUnknown', { path }) };
  return openedOf(stateDir, record.data, digest, paths);
}

/** A record's text as read, with its `recordContentDigest`. */
export interface RecordRead {
  readonly text: string;
  readonly digest: string;
}

/** The state a record gives the next build: the record as `openPrevious` reads it, or as this process has just written it, with its `recordContentDigest`. */
export function openedOf(stateDir: string, record: PublishedRecord, contentDigest: string, paths: RecordPaths): OpenedState {
  const textOf = (hash: string): string | undefined => {
    try {
      const text = readFileSync(textFile(stateDir, hash), 'utf8');
      return sourceHash(text) === hash ? text : undefined;
    } catch {
      return undefined;
    }
  };
  return { previous: previousOf(record, textOf, paths), contentDigest };
}

/** The record of the last build in `stateDir`. */
export function recordPath(stateDir: string): string {
  return join(stateDir, PUBLISHED_FILE);
}

/** The text of the record kept at `stateDir`, as it is now; undefined when there is none or it cannot be read. */
export async function readRecordText(stateDir: string): Promise<string | undefined> {
  return readFile(recordPath(stateDir), 'utf8').catch(() => undefined);
}

/** Where `storeTexts` reads the texts of published posts: a post source. */
export type TextSource = Pick<PostSource, 'read' | 'locate'>;

/** Texts to store from which a thread of their own is worth its start (about 0.4 ms each on the build's thread). */
const TEXTS_FOR_A_THREAD = 100;
const TEXTS_THREAD = new URL('./textsThread.js', import.meta.url);

/**
 * Stores the text of every live post not stored yet, each as it is now and
 * only when it is still the text that was published (a file changed since it
 * was loaded is not kept). The first half of recording what a build
 * published: called before the outputs are written, and awaited before
 * `recordPublished`. Many texts (a first build stores them all) are written
 * on a thread of their own, while the build's thread composes the feeds.
 * Resolves with the names the folder held before, and the files whose text
 * could not be kept.
 */
export async function storeTexts(stateDir: string, live: readonly Post[], source: TextSource): Promise<StoredBefore> {
  await mkdir(join(stateDir, SOURCES_DIR), { recursive: true });
  // One listing rather than a look at each of thousands of texts.
  const before = new Set(await readdir(join(stateDir, SOURCES_DIR)));
  const missing = new Map<string, Post>();
  for (const post of live) if (!before.has(textName(post.sourceHash))) missing.set(post.sourceHash, post);
  const wanted = [...missing.values()].map((post) => ({ hash: post.sourceHash, file: textFile(stateDir, post.sourceHash), path: post.sourcePath }));
  const locate = source.locate;
  const onThread = wanted.length >= TEXTS_FOR_A_THREAD && locate ? await storeOnThread(wanted.map((text) => ({ hash: text.hash, file: text.file, from: locate(text.path) }))) : undefined;
  const unkept = onThread ?? wanted.filter((text) => !storeText(text, readOrUndefined(source, text.path))).map((text) => text.hash);
  return { names: before, unkept: unkept.map((hash) => missing.get(hash)?.sourcePath ?? hash).sort() };
}

/** The stored texts' names before a build stored its own: those no record names any more are removed once the new record is kept. */
export interface StoredBefore {
  readonly names: ReadonlySet<string>;
  /**
   * The post files whose published text could not be kept, as no file holds
   * it any more (saved again or removed since it was loaded): a record naming
   * it could not give it back when the file breaks, so the build must not
   * publish (see `SourceChangedError`).
   */
  readonly unkept: readonly string[];
}

/**
 * `stored` when every published text was kept; else the build must not
 * publish, and fails as one that met a file changing under it (the daemon
 * builds again once the files are quiet).
 */
export function textsKept(stored: StoredBefore): StoredBefore {
  const [path] = stored.unkept;
  if (path !== undefined) throw new SourceChangedError(path, message('errors.sourceOther'));
  return stored;
}

/**
 * Stores `texts` on a thread of their own; resolves with the hashes of those
 * no file held any more. Undefined when there was no thread to do it
 * (running from the TypeScript sources), or it stopped without an answer (it
 * could not start, or failed other than on a file): the caller then stores
 * them itself. A file that could not be written is the build's failure, as
 * on the build's thread.
 */
function storeOnThread(texts: readonly TextToStoreFrom[]): Promise<readonly string[] | undefined> {
  const worker = startWorker(TEXTS_THREAD, texts);
  if (!worker) return Promise.resolve(undefined);
  // Awaited by the build: the thread must keep the process alive until it answers.
  worker.ref();
  return new Promise<readonly string[] | undefined>((resolve, reject) => {
    worker.once('message', (reply: TextsReply) => ('done' in reply ? resolve(reply.unkept) : reject(errorOf(reply.failed))));
    // After an answer, these settle nothing.
    worker.once('error', () => resolve(undefined));
    worker.once('exit', () => resolve(undefined));
  }).finally(() => worker.unref());
}

function readOrUndefined(source: TextSource, path: string): string | undefined {
  try {
    return source.read(path);
  } catch {
    return undefined;
  }
}

/**
 * Records what a build published, once `storeTexts` has stored the text of
 * every live post: the record (`record`, its text: atomically, with the
 * changes it kept), then the removal of the texts no record names any more.
 * A crash at any point leaves a record whose texts are all stored, and whose
 * changes are those of the posts it names.
 */
export async function recordPublished(stateDir: string, live: readonly Post[], record: string, stored: StoredBefore): Promise<void> {
  await writeOutputs(stateDir, [{ path: PUBLISHED_FILE, content: record }]);
  const wanted = new Set(live.map((post) => textName(post.sourceHash)));
  for (const name of stored.names) {
    // Only what this function wrote: a file a person keeps there is not ours to remove.
    if (!wanted.has(name) && STORED_TEXT.test(name)) await rm(join(stateDir, SOURCES_DIR, name), { force: true });
  }
}
