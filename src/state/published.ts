/**
 * What the last build published, as the next build needs it: which post
 * files were live, in which language, from which exact text. Pure: the record
 * is read and written by `store.ts`.
 *
 * It lets a build keep its promises across builds: a post whose file broke
 * stays published in its last good version, a copy cannot push out the
 * article it copied, and a vanished folder cannot empty the feeds.
 */
import { createHash } from 'node:crypto';
import { join, relative, resolve, sep } from 'node:path';
import { z } from 'zod';
import { message, type Message } from '../i18n/message.js';
import { lastModified, type Post } from '../model.js';
import { execOnce } from '../text.js';
import { ChangeSchema, type Change } from './changes.js';

export const PUBLISHED_RECORD_VERSION = 4;

// Any string `Date` reads back: a record that fails its schema is ignored whole, so a year past 9999 must not fail it.
const Moment = z.string().min(1);

/** A published post as version 1 recorded it: before ids and content were kept. */
const PublishedPostV1 = z.object({ path: z.string().min(1), lang: z.string().min(1), hash: z.string().min(1) }).strict();

const PublishedPostSchema = PublishedPostV1.extend({
  /** The item id it was published with, which it keeps (see state/ids.ts). */
  id: z.string().min(1),
  /** What readers read of it (`Post.contentHash`), to notice a correction. */
  content: z.string().min(1),
  /** Its `updated` (else `date`) as published. */
  modified: Moment,
  /** When the build set `updated` itself on seeing a correction (see state/corrections.ts). */
  corrected: Moment.optional(),
}).strict();

const RecordV1 = z.object({ version: z.literal(1), at: z.string(), posts: z.array(PublishedPostV1) }).strict();

/** Version 2: before the changes were kept. */
const RecordV2 = z
  .object({
    version: z.literal(2),
    /** The moment the build published for (its `now`). */
    at: z.string(),
    posts: z.array(PublishedPostSchema),
  })
  .strict();

/** Version 3: post files named from the working directory of the build that wrote it. */
const RecordV3 = RecordV2.extend({
  version: z.literal(3),
  /** Articles added, updated and deleted within `feeds.tombstoneDays`, newest first (see changes.ts). */
  changes: z.array(ChangeSchema),
}).strict();

export const PublishedRecordSchema = z.discriminatedUnion('version', [
  RecordV1,
  RecordV2,
  RecordV3,
  /** Post files named below the posts folder (see `RecordPaths`). */
  RecordV3.extend({ version: z.literal(PUBLISHED_RECORD_VERSION) }).strict(),
]);

export type PublishedRecord = z.infer<typeof PublishedRecordSchema>;
/** A published post as recorded; what version 1 did not record is undefined. */
export type PublishedPost = z.infer<typeof PublishedPostV1> &
  Partial<z.infer<typeof PublishedPostSchema>> & {
    /** Where its file is below its language's folder, when the record says (see `SourceFile.name`). */
    readonly name?: string;
  };

/**
 * How the record names a post file: by its path below the posts folder,
 * `/`-separated (`en/hearing.md`), whatever the directory a build runs from.
 * The listing names files from the working directory, as diagnostics print
 * them; a record naming them that way did not know its files in a build run
 * from elsewhere, which withdrew a broken file's published version (and
 * announced its deletion) and missed corrections. Records before version 4
 * named files from the working directory of the build that wrote them, and
 * are read that way.
 */
export interface RecordPaths {
  /** A listed file of language `lang` (its folder below the posts folder), as the record names it. */
  recorded(listed: string, lang: string): string;
  /** A file the record names, as the listing names it. */
  listed(recorded: string): string;
  /** Any file, named from the posts folder as `recorded` names post files: how the problems kept in the state directory name theirs. */
  recordedFile(listed: string): string;
}

/** The record's names for the files of `postsDir`, listed from `cwd` (absolute). */
export function recordPaths(postsDir: string, cwd: string): RecordPaths {
  const root = resolve(cwd, postsDir);
  const withSlashes = (path: string): string => (sep === '/' ? path : path.split(sep).join('/'));
  const fromRoot = (listed: string): string => withSlashes(relative(root, resolve(cwd, listed)));
  const bases = new Map<string, string>();
  // A language folder's path from cwd, as the listing joins the names below it to it (see `diskSource`).
  const baseOf = (lang: string): string => {
    let base = bases.get(lang);
    if (base === undefined) bases.set(lang, (base = relative(cwd, join(root, lang))));
    return base;
  };
  return {
    recorded(listed, lang) {
      const base = baseOf(lang);
      const below = base === '' ? listed : listed.startsWith(`${base}${sep}`) ? listed.slice(base.length + 1) : undefined;
      return below === undefined ? fromRoot(listed) : withSlashes(`${lang}${sep}${below}`);
    },
    recordedFile: fromRoot,
    listed(recorded) {
      const slash = recorded.indexOf('/');
      if (slash < 0) return relative(cwd, join(root, recorded));
      const base = baseOf(recorded.slice(0, slash));
      const below = sep === '/' ? recorded.slice(slash + 1) : recorded.slice(slash + 1).split('/').join(sep);
      return base === '' ? below : `${base}${sep}${below}`;
    },
  };
}

/** The record of a build that published `live` at `now`, with the changes it kept, in a stable order. */
export function publishedRecord(live: readonly Post[], now: Date, changes: readonly Change[], paths: RecordPaths): PublishedRecord {
  const posts = live
    .map((post) => ({
      path: paths.recorded(post.sourcePath, post.lang),
      lang: post.lang,
      hash: post.sourceHash,
      id: post.id,
      content: post.datedContentHash ?? post.contentHash,
      modified: lastModified(post).toISOString(),
      ...(post.correctedAt ? { corrected: post.correctedAt.toISOString() } : {}),
    }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { version: PUBLISHED_RECORD_VERSION, at: now.toISOString(), posts, changes: [...changes] };
}

/** The paths of a record's posts as the listing names them (see `RecordPaths`). */
export function listedPathsOf<P extends { readonly path: string }>(version: number, posts: readonly P[], paths: RecordPaths): P[] {
  return version < PUBLISHED_RECORD_VERSION ? [...posts] : posts.map((post) => ({ ...post, path: paths.listed(post.path), name: post.path.slice(post.path.indexOf('/') + 1) }));
}

/** A record as it is kept in `published.json`. */
export function recordText(record: PublishedRecord): string {
  return `${JSON.stringify(record, null, 1)}\n`;
}

/**
 * A digest of a record's text that leaves out the moment it was made (`at`,
 * on its own line at the top level, the only key indented by one space,
 * written as `toISOString` writes it): two builds that published the same
 * articles with the same changes at two moments have the same.
 */
export function recordContentDigest(text: string): string {
  // Only the characters an ISO moment is written with (years past 9999 with a sign) are left out: two texts with the same digest are then
  // JSON alike or neither is (a backslash or a control character there would make the record no longer JSON; see build.ts's `publishedAsked`).
  const at = execOnce(/^ "at": "[0-9A-Za-z:.+-]*",$/m, text);
  // The text around the line, hashed as it is: a copy with the line replaced cost 15 ms at 5,000 articles, three times a build.
  const hash = createHash('sha256');
  if (!at) return hash.update(text).digest('base64url');
  return hash.update(text.slice(0, at.index)).update(' "at": "",').update(text.slice(at.index + at[0].length)).digest('base64url');
}

/** The last build's record, looked up the way the loader asks. */
export interface Previous {
  readonly at?: string;
  /** The published post that came from this file, if any. */
  byPath(path: string): PublishedPost | undefined;
  /** The published post of this language built from exactly this text, if any: a file moved or renamed unchanged. */
  byText(lang: string, hash: string): PublishedPost | undefined;
  /**
   * Whether the record comes from a nashra that kept no ids (version 1):
   * every post it names was published with its URL as its id.
   */
  readonly withoutIds?: boolean;
  /** The exact text a published post was built from, when it is still stored. */
  textOf(hash: string): string | undefined;
  readonly posts: readonly PublishedPost[];
  /** The changes kept by the last build (none before version 3). */
  readonly changes: readonly Change[];
}

/** No earlier build: the first build of a site, or a state directory that was removed. */
export const NOTHING_PUBLISHED: Previous = { byPath: () => undefined, byText: () => undefined, textOf: () => undefined, posts: [], changes: [] };

export function previousOf(record: PublishedRecord, textOf: (hash: string) => string | undefined, paths: RecordPaths): Previous {
  const posts: readonly PublishedPost[] = listedPathsOf<PublishedPost>(record.version, record.posts, paths);
  const byPath = new Map(posts.map((post) => [post.path, post]));
  const byText = new Map(posts.map((post) => [`${post.lang} ${post.hash}`, post]));
  return {
    at: record.at,
    byPath: (path) => byPath.get(path),
    byText: (lang, hash) => byText.get(`${lang} ${hash}`),
    textOf,
    posts,
    changes: 'changes' in record ? record.changes : [],
    ...(record.version === 1 ? { withoutIds: true } : {}),
  };
}

export interface ShrinkRefusal {
  readonly lang: string;
  readonly before: number;
  /** Published posts whose file is gone from the posts folder. */
  readonly vanished: readonly string[];
}

/**
 * Languages the build would shrink by losing files rather than by anything
 * written in a post: published posts whose file is no longer in the posts
 * folder (and whose text is nowhere else in it), when they are all of the language's posts or more than
 * `maxShare` of them. An expiry, a draft or a withdrawal is written in the
 * post itself and never counts; a file that broke stays published in its
 * last good version, so it does not count either.
 */
export function shrinkRefusals(previous: Previous, current: { readonly listedPaths: ReadonlySet<string>; readonly posts: readonly Post[] }, maxShare: number): ShrinkRefusal[] {
  // A file moved or renamed with its text unchanged has not vanished.
  const present = new Set(current.posts.map((post) => `${post.lang} ${post.sourceHash}`));
  const byLang = new Map<string, { before: number; vanished: string[] }>();
  for (const post of previous.posts) {
    const entry = byLang.get(post.lang) ?? { before: 0, vanished: [] };
    entry.before++;
    if (!current.listedPaths.has(post.path) && !present.has(`${post.lang} ${post.hash}`)) entry.vanished.push(post.path);
    byLang.set(post.lang, entry);
  }
  return [...byLang.entries()]
    .filter(([, { before, vanished }]) => vanished.length > 0 && (vanished.length === before || vanished.length > maxShare * before))
    .map(([lang, { before, vanished }]) => ({ lang, before, vanished }))
    .sort((a, b) => (a.lang < b.lang ? -1 : 1));
}

/** One sentence for a refusal, naming the first few vanished files. */
export function explainRefusal(refusal: ShrinkRefusal): Message {
  const facts = { lang: refusal.lang, before: refusal.before, after: refusal.before - refusal.vanished.length, gone: message('errors.filesGone', { count: refusal.vanished.length }), files: refusal.vanished.slice(0, 5) };
  return refusal.vanished.length > 5 ? message('errors.shrinkRefusedMore', { ...facts, more: refusal.vanished.length - 5 }) : message('errors.shrinkRefused', facts);
}
