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
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, isAbsolute } from 'node:path';
import { message, type Message } from '../i18n/message.js';
import { sourceHash } from '../load/hash.js';
import type { Post } from '../model.js';
import { writeOutputs } from '../write/output.js';
import { temporaryNameFor } from '../write/temporary.js';
import { NOTHING_PUBLISHED, previousOf, PublishedRecordSchema, recordContentDigest, type Previous, type RecordPaths } from './published.js';

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
 */
export function openPrevious(stateDir: string, paths: RecordPaths): OpenedState {
  const path = join(stateDir, PUBLISHED_FILE);
  if (!existsSync(path)) return { previous: NOTHING_PUBLISHED };
  let parsed: unknown;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
    parsed = JSON.parse(text);
  } catch (error) {
    return { previous: NOTHING_PUBLISHED, problem: message('diagnostics.state.recordUnreadable', { path, detail: error instanceof Error ? error.message : String(error) }) };
  }
  const record = PublishedRecordSchema.safeParse(parsed);
  if (!record.success) return { previous: NOTHING_PUBLISHED, problem: message('diagnostics.state.recordUnknown', { path }) };
  const textOf = (hash: string): string | undefined => {
    try {
      const text = readFileSync(textFile(stateDir, hash), 'utf8');
      return sourceHash(text) === hash ? text : undefined;
    } catch {
      return undefined;
    }
  };
  return { previous: previousOf(record.data, textOf, paths), contentDigest: recordContentDigest(text) };
}

/** The text of the record kept at `stateDir`, as it is now; undefined when there is none or it cannot be read. */
export async function readRecordText(stateDir: string): Promise<string | undefined> {
  return readFile(join(stateDir, PUBLISHED_FILE), 'utf8').catch(() => undefined);
}

/**
 * Records what a build published: first the text of every live post not yet
 * stored, then the record (`record`, its text: atomically, with the changes it kept), then the
 * texts no record names any more. A crash at any point leaves a record whose
 * texts are all stored, and whose changes are those of the posts it names.
 * `textOf` gives a live post's text, or undefined when its file changed
 * since it was loaded (that text is then not kept).
 */
export async function recordPublished(stateDir: string, live: readonly Post[], record: string, textOf: (post: Post) => string | undefined): Promise<void> {
  await mkdir(join(stateDir, SOURCES_DIR), { recursive: true });
  // One listing rather than a look at each of thousands of texts.
  const stored = new Set(await readdir(join(stateDir, SOURCES_DIR)));
  const wanted = new Set<string>();
  for (const post of live) {
    const file = textFile(stateDir, post.sourceHash);
    wanted.add(file);
    if (stored.has(basename(file))) continue;
    const text = textOf(post);
    if (text === undefined || sourceHash(text) !== post.sourceHash) continue;
    // Not fsynced: a text cut by a crash fails its hash check when read and is simply not used.
    // Synchronous: a first build stores thousands of texts, and an awaited write and rename each
    // left the thread waiting on the disk twice per text (5 s of a cold build at 5,000 articles).
    const temporary = temporaryNameFor(file);
    writeFileSync(temporary, text);
    renameSync(temporary, file);
  }
  await writeOutputs(stateDir, [{ path: PUBLISHED_FILE, content: record }]);
  for (const name of stored) {
    const file = join(stateDir, SOURCES_DIR, name);
    // Only what this function wrote: a file a person keeps there is not ours to remove.
    if (!wanted.has(file) && STORED_TEXT.test(name)) await rm(file, { force: true });
  }
}
