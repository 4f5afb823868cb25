import { createHash, type Hash } from 'node:crypto';
import { createReadStream, readdirSync, renameSync, statSync } from 'node:fs';
import type { Dirent, Stats } from 'node:fs';
import { lstat, mkdir, open, readFile, realpath, rm, rmdir, stat, utimes, type FileHandle } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, sep } from 'node:path';
import { z } from 'zod';
import { DiagnosticSchema, type Diagnostic } from '../diagnostics.js';
import { message, MessageError } from '../i18n/message.js';
import { UnchangedSchema, type Unchanged } from '../state/unchanged.js';
import type { OutputFile, OutputsInPlace, PlannedOutput } from '../pipeline.js';
import { isTemporaryFile, randomPart, targetOfTemporary, temporaryNameFor } from './temporary.js';

export interface WriteReport {
  readonly written: string[];
  readonly unchanged: string[];
  /** Files of an earlier build that this build no longer plans, removed from the output. */
  readonly removed: string[];
  /** The manifest kept at `manifestPath`, as `readOutputManifest` would read it now; none without a `manifestPath`. */
  readonly manifest?: OutputManifest;
}

/**
 * The file operations a build's fate depends on, injectable so tests can give
 * short writes, a full disk, or watch the order of renames.
 */
export interface WriteIo {
  /** Writes up to `length` bytes from `offset`; returns how many were taken. */
  writeSome(handle: FileHandle, bytes: Uint8Array, offset: number, length: number): Promise<number>;
  rename(from: string, to: string): Promise<void>;
  /** Flushes a written file to disk through the handle it was written with, so that a crash after its rename cannot leave it empty. */
  flush(handle: FileHandle, path: string): Promise<void>;
}

const systemIo: WriteIo = {
  writeSome: async (handle, bytes, offset, length) => (await handle.write(bytes, offset, length)).bytesWritten,
  // Synchronous: the renames are the commit, one after another in their order, and nothing else runs meanwhile.
  // A promise of each cost a trip through libuv's threads: 10,000 renames took 435 ms, against 110 ms.
  rename: async (from, to) => renameSync(from, to),
  flush: (handle) => handle.sync(),
};

export interface WriteOptions {
  /**
   * The list of files nashra owns in the output (JSON, kept in the private
   * state directory). With it, files an earlier build wrote and this one no
   * longer plans are removed; a file nobody listed is never touched.
   */
  readonly manifestPath?: string;
  readonly io?: Partial<WriteIo>;
  /**
   * Awaited once every file is staged, before anything in the output or the
   * manifest changes: what must hold for the files to be published. Its
   * failure discards what was staged, the published files stay, and its error
   * is passed on as it is.
   */
  readonly readyToCommit?: () => Promise<void>;
  /** Called once every file is staged, right before the first rename: from here on, stopping leaves a mix of old and new files. */
  readonly beforeCommit?: () => void;
  /**
   * Where to stage the files instead of beside their targets: a private
   * folder on the same file system as the output, so that files staged long
   * before their commit (a build prepared ahead of an embargo) are nowhere a
   * reader or a directory listing could find them. Their folders in the
   * output are made only at the commit.
   */
  readonly stagingDir?: string;
  /**
   * What the whole output was made from, asked once every file is in place
   * and kept in the manifest with the files' records: a later build made
   * from the same inputs finds the output as it left it and writes nothing
   * (see `intactOutputs`).
   */
  readonly madeFrom?: () => MadeFrom;
  /** The manifest at `manifestPath` as this build read it at its start (`readOutputManifest`), so as not to read it again. */
  readonly manifest?: OutputManifest;
}

/** The digest of every input a build's output depends on, and the problems met while producing it, to be told again when it is reused. */
export interface MadeFrom {
  readonly digest: string;
  readonly diagnostics: readonly Diagnostic[];
  /** What lets the next build find nothing changed without loading a post, when this build's result is the next one's. */
  readonly unchanged?: Unchanged;
  /**
   * The `recordContentDigest` of the record of what was published that this
   * build wrote: a record read back with this digest is the one written, and
   * need not be checked against its schema again (see `openPrevious`).
   */
  readonly record?: string;
}

const MadeFromSchema = z.object({
  digest: z.string().min(1),
  diagnostics: z.array(DiagnosticSchema),
  unchanged: UnchangedSchema.optional(),
  record: z.string().min(1).optional(),
});
/** What is taken of an unsealed manifest's `madeFrom`: all but the witness of an unchanged build (see `readOutputManifest`). */
const MadeFromWithoutWitnessSchema = MadeFromSchema.omit({ unchanged: true });

/** Files staged and checked, waiting to be put in place. */
export interface StagedOutputs {
  /** Renames the staged files into place, removes the files no longer planned, keeps the manifest. */
  commit(): Promise<WriteReport>;
}

/** Chunks are gathered into writes of about this size. */
const WRITE_SIZE = 1 << 17;
const UTF8 = new TextEncoder();
/** The most bytes one character takes in UTF-8: a buffer with less room left is written out. */
const MAX_UTF8_CHARACTER = 4;
/** Write buffers not in use, kept for the next file: thousands of files each allocating its own would each fault in fresh pages. */
const spareWriteBuffers: Uint8Array[] = [];

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function takeWriteBuffer(): Uint8Array {
  return spareWriteBuffers.pop() ?? new Uint8Array(WRITE_SIZE);
}

function giveBackWriteBuffer(buffer: Uint8Array): void {
  if (spareWriteBuffers.length < STAGING_CONCURRENCY) spareWriteBuffers.push(buffer);
}

interface Staged {
  readonly path: string;
  readonly target: string;
  readonly temporary: string;
  readonly existed: boolean;
  readonly tier: number;
  readonly digest: string;
  readonly size: number;
  readonly fingerprint?: string;
}

/**
 * What the manifest remembers of a file it wrote: its digest, and the file's
 * size, modification and change times and inode then, so that a later build can trust the
 * digest without reading the file while those are unchanged (as git's index
 * does). `fingerprint` is what the file was produced from (see
 * `PlannedOutput.fingerprint`).
 */
export interface FileRecord {
  readonly digest: string;
  readonly size: number;
  readonly mtimeMs: number;
  /** Changed by any write, and by setting the modification time back: what betrays an edit that kept size and modification time. */
  readonly ctimeMs: number;
  readonly ino: number;
  readonly fingerprint?: string;
}

/** The manifest as a build reads it once at its start: what `outputsInPlace`, `intactOutputs`, `keptFiles` and `WriteOptions.manifest` take. */
export interface OutputManifest {
  readonly files: readonly string[];
  readonly records: Readonly<Record<string, FileRecord>>;
  /** The manifest file's own modification time: a file changed no earlier than this may have changed unseen. */
  readonly mtimeMs: number;
  /** Written only once every file of a build is in place: a build cut short leaves a manifest without it. */
  readonly madeFrom?: MadeFrom;
  /**
   * The manifest file is there but is no manifest (cut short, garbled): which
   * files earlier builds wrote is lost, so those this build no longer plans
   * cannot be told from a person's own and stay in the output.
   */
  readonly damaged?: true;
}

const NO_MANIFEST: OutputManifest = { files: [], records: {}, mtimeMs: 0 };

/**
 * Publishes the files in two steps, so the output never holds a cut, mixed
 * or dangling file:
 *
 * 1. Stage: every file whose bytes changed is written in full beside its
 *    target (a temporary name) and flushed to disk. Any failure here (a full
 *    disk, a short write that cannot finish, a post changing under the
 *    build) removes what was staged and leaves the old output untouched.
 * 2. Commit: the staged files are renamed into place, new files first, then
 *    by tier (a file after those it links to), and their directories are
 *    flushed. Then files of earlier builds that are no longer planned are
 *    removed, once nothing links to them.
 *
 * Content arrives in chunks and is never held whole; an unchanged file is
 * not touched.
 */
export async function writeOutputs(outDir: string, files: Iterable<PlannedOutput | OutputFile>, options: WriteOptions = {}): Promise<WriteReport> {
  return (await stageOutputs(outDir, files, options)).commit();
}

/** The first step of `writeOutputs`, alone: every changed file staged, nothing in the output changed yet. */
export async function stageOutputs(outDir: string, files: Iterable<PlannedOutput | OutputFile>, options: WriteOptions = {}): Promise<StagedOutputs> {
  const io: WriteIo = { ...systemIo, ...options.io };
  const manifest = options.manifest ?? (options.manifestPath ? await readOutputManifest(options.manifestPath) : NO_MANIFEST);
  const planned: string[] = [];
  /** What became of each planned file, by its place in the plan: the report and the manifest list them in that order. */
  const outcomes: StageOutcome[] = [];
  const temporaries: string[] = [];
  const inFlight = new Set<Promise<void>>();
  /** The first file in the plan's order that could not be staged: several are written at once, and any may fail first. */
  let failure: { readonly index: number; readonly path: string; readonly error: unknown } | undefined;
  let current = '';
  /** The first directory each staged file made, so a failed build leaves no empty folder behind. */
  const madeDirectories: string[] = [];
  /** Folders made or found in this build: thousands of files share a few hundred. */
  const folders = new Set<string>();
  let staged: Staged[] = [];
  /** Everything staged removed again, and the folders staging made: the output as it was. */
  const discardStaged = async (): Promise<void> => {
    await Promise.all(temporaries.map((temporary) => rm(temporary, { force: true })));
    for (const directory of madeDirectories.reverse()) await rm(directory, { recursive: true, force: true });
  };
  try {
    for (const [file, existing] of withStats(outDir, files, manifest.files)) {
      if (failure) break;
      current = file.path;
      const index = planned.push(file.path) - 1;
      const target = join(outDir, file.path);
      const recorded = trustedRecord(manifest, file.path, existing);
      const fingerprint = 'fingerprint' in file ? file.fingerprint : undefined;
      // Made from the same inputs as the file in place, which is as it was written: not even produced again.
      if (recorded && fingerprint !== undefined && recorded.fingerprint === fingerprint) {
        outcomes[index] = { kind: 'unchanged', record: recorded };
        continue;
      }
      if (options.stagingDir === undefined && !folders.has(dirname(target))) {
        const made = await mkdir(dirname(target), { recursive: true });
        if (made !== undefined) madeDirectories.push(made);
        folders.add(dirname(target));
      }
      const temporary = options.stagingDir === undefined ? temporaryNameFor(target) : join(options.stagingDir, stagedName());
      temporaries.push(temporary); // before writing, so a failure mid-file removes it too
      const entry = { path: file.path, target, temporary, existed: existing !== undefined, tier: 'tier' in file ? (file.tier ?? 0) : 0, ...(fingerprint === undefined ? {} : { fingerprint }) };
      const task: Promise<void> = stageFile(entry, 'chunks' in file ? file.chunks : [file.content], existing, recorded, io).then(
        (outcome) => {
          outcomes[index] = outcome;
          inFlight.delete(task);
        },
        (error: unknown) => {
          if (failure === undefined || index < failure.index) failure = { index, path: file.path, error };
          inFlight.delete(task);
        },
      );
      inFlight.add(task);
      // Several files at once: each waits on the disk in turn, and the thread would wait with it.
      if (inFlight.size >= STAGING_CONCURRENCY) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    if (failure) {
      current = failure.path;
      throw failure.error;
    }
    staged = outcomes.flatMap((outcome) => (outcome.kind === 'staged' ? [outcome.staged] : []));
  } catch (error) {
    await Promise.allSettled(inFlight);
    await discardStaged();
    throw isSystemError(error) ? new WriteError(join(outDir, current), error) : error;
  }
  const unchanged = planned.filter((_, index) => outcomes[index]?.kind === 'unchanged');
  const records: Record<string, FileRecord> = {};
  for (const [index, outcome] of outcomes.entries()) if (outcome.kind === 'unchanged') records[planned[index] ?? ''] = outcome.record;

  return {
    commit: async () => {
      await options.readyToCommit?.().catch(async (error: unknown) => {
        await discardStaged();
        throw error;
      });
      // Owned before it is in place: a process killed right after a rename still knows the file is its own. Without the
      // records, which were most of the 4 MB a build that changes a file wrote twice (at 5,000 articles): the rare build
      // cut short among its renames has the next one compare every file with what it produces, as a first build does.
      if (options.manifestPath) {
        await writeManifest(options.manifestPath, [...new Set([...manifest.files, ...planned])], {}).catch(async (error: unknown) => {
          await discardStaged();
          throw error;
        });
      }
      if (options.stagingDir !== undefined) {
        // Staged ahead of time, the files say they were modified now, when they appear: Last-Modified is never before publication.
        const now = new Date();
        for (const entry of staged) {
          await mkdir(dirname(entry.target), { recursive: true });
          await utimes(entry.temporary, now, now);
        }
      }
      options.beforeCommit?.();
      const written = await commit(staged, io);
      const fileRecords = { ...records, ...recordsOf(staged) };
      // In place: what was kept of the staged files (tens of thousands of absolute paths in a first build) is let go
      // before what the output was made from is worked out (see `MadeFrom`), which may plan again.
      staged = [];
      outcomes.length = 0;
      temporaries.length = 0;
      const plannedSet = new Set(planned);
      const removed = await removeFiles(outDir, manifest.files.filter((path) => !plannedSet.has(path)));
      const kept = options.manifestPath
        ? await writeManifest(options.manifestPath, planned, fileRecords, options.madeFrom?.()).catch((error: unknown) => {
            throw writeErrorOf(error, { published: true });
          })
        : undefined;
      return { written, unchanged, removed, ...(kept ? { manifest: kept } : {}) };
    },
  };
}

/**
 * Each file with the state of its target in the output (undefined when there
 * is none), taken from `files` one at a time, so a lazy plan stays lazy. The
 * files of the last build (`listed`, the manifest's) are stat'ed at once
 * when the first file comes (see `statsOf`). Synchronous: a `stat` of a file the kernel has cached takes microseconds,
 * where a promise of one cost several times that in the build's thread
 * (10,985 files: 55-76 ms against 144-229 ms in windows of 64). A file its
 * folder's listing does not name is not stat'ed: looking up a name that is
 * not there waits for the folder's lock, which the files being staged in it
 * hold (a cold build at 5,000 articles spent 1.7 s in 10,544 such stats).
 */
function* withStats<F extends { readonly path: string }>(outDir: string, files: Iterable<F>, listed: readonly string[]): Generator<[F, Stats | undefined]> {
  const listings = new Map<string, FolderListing>();
  let taken: Map<string, Stats | undefined> | undefined;
  for (const file of files) {
    // Once the first file is produced (after relating, whose memory is gone by then), before it is staged.
    taken ??= statsOf(outDir, listed);
    const target = join(outDir, file.path);
    const known = taken.has(file.path);
    const existing = known ? taken.get(file.path) : mayBeThere(target, listings) ? statOrNothing(target) : undefined;
    if (known) taken.delete(file.path);
    yield [file, existing];
  }
}

/**
 * The state of each file the manifest lists, taken before any is staged:
 * then no folder is locked by a file being written in it, and a `stat` costs
 * a third of what it does once staging has begun (an edit build at 5,000
 * articles: 0.08 s for 10,544 files, against 0.23 s). Nothing in the output
 * changes before the commit, so the state taken now is the one staging would
 * find.
 */
function statsOf(outDir: string, paths: readonly string[]): Map<string, Stats | undefined> {
  return new Map(paths.map((path) => [path, statOrNothing(join(outDir, path))]));
}

/** A folder's names as listed once in a build; `unlisted` when it could not be listed (then every file in it is stat'ed). */
type FolderListing = ReadonlySet<string> | 'unlisted';

/** Whether `target`'s folder, listed the first time one of its files is asked about, may hold it. */
function mayBeThere(target: string, listings: Map<string, FolderListing>): boolean {
  const folder = dirname(target);
  let listing = listings.get(folder);
  if (listing === undefined) {
    listing = folderListing(folder);
    listings.set(folder, listing);
  }
  return listing === 'unlisted' || listing.has(basename(target));
}

function folderListing(folder: string): FolderListing {
  try {
    return new Set(readdirSync(folder));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // No folder there (or a file in its place): nothing of the plan is in it yet.
    return code === 'ENOENT' || code === 'ENOTDIR' ? new Set() : 'unlisted';
  }
}

/** Files written to their temporary names at once. */
const STAGING_CONCURRENCY = 16;

/** A planned file once staged: kept as it is (same bytes as the file in place), or written in full to its temporary name. */
type StageOutcome = { readonly kind: 'unchanged'; readonly record: FileRecord } | { readonly kind: 'staged'; readonly staged: Staged };

/**
 * Writes one file to its temporary name, and flushes it to disk unless its
 * bytes are those of the file in place (which stays as it is). Flushed as it
 * is staged, while the build goes on producing the next files: every staged
 * file is durable before the first rename, so a crash cannot leave an empty
 * feed behind one.
 */
async function stageFile(entry: Omit<Staged, 'digest' | 'size'>, chunks: Iterable<string>, existing: Stats | undefined, recorded: FileRecord | undefined, io: WriteIo): Promise<StageOutcome> {
  // Flushed through the handle that wrote it: opening the file again to flush it cost an open and a close per file.
  const handle = await open(entry.temporary, 'w');
  let outcome: StageOutcome;
  try {
    const { size, digest } = await writeChunks(handle, entry.temporary, chunks, io);
    if (existing?.isFile() && existing.size === size && (recorded?.digest ?? (await digestOf(entry.target, createHash('sha256')))) === digest) {
      outcome = { kind: 'unchanged', record: recordOf(existing, digest, size, entry.fingerprint) };
    } else {
      await io.flush(handle, entry.temporary);
      outcome = { kind: 'staged', staged: { ...entry, digest, size } };
    }
  } finally {
    await handle.close();
  }
  if (outcome.kind === 'unchanged') await rm(entry.temporary, { force: true });
  return outcome;
}

/** A staged file's name in a staging folder: not a writer's temporary name, which a build start removes. */
function stagedName(): string {
  return `${randomPart()}.staged`;
}

/**
 * The manifest's record of a file, when the file on disk is still the one it
 * describes: same size, modification and change times and inode, and modified before the
 * manifest was written (a change within the clock's granularity of that
 * moment could otherwise go unseen).
 */
function trustedRecord(manifest: OutputManifest, path: string, existing: Stats | undefined): FileRecord | undefined {
  const record = manifest.records[path];
  if (!record || !existing?.isFile()) return undefined;
  const same = existing.size === record.size && existing.mtimeMs === record.mtimeMs && existing.ctimeMs === record.ctimeMs && existing.ino === record.ino;
  return same && record.mtimeMs < manifest.mtimeMs ? record : undefined;
}

/** The records of the files just renamed into place. */
function recordsOf(staged: readonly Staged[]): Record<string, FileRecord> {
  const records: Record<string, FileRecord> = {};
  for (const entry of staged) {
    const now = statOrNothing(entry.target);
    if (now) records[entry.path] = recordOf(now, entry.digest, entry.size, entry.fingerprint);
  }
  return records;
}

/** The record of a file of `digest` and `size` as `stats` found it on disk. */
function recordOf(stats: Stats, digest: string, size: number, fingerprint: string | undefined): FileRecord {
  return { digest, size, mtimeMs: stats.mtimeMs, ctimeMs: stats.ctimeMs, ino: stats.ino, ...(fingerprint === undefined ? {} : { fingerprint }) };
}

/**
 * Which planned files the writer would keep without asking for their content
 * (same fingerprint, file untouched), as it stands now: for preparing a
 * build ahead of its moment, when only the other files need be produced.
 */
export function keptFiles(outDir: string, manifest: OutputManifest): (output: PlannedOutput) => Promise<boolean> {
  return async (output) => {
    if (output.fingerprint === undefined) return false;
    const existing = statOrNothing(join(outDir, output.path));
    return trustedRecord(manifest, output.path, existing)?.fingerprint === output.fingerprint;
  };
}

/**
 * What the output in place was made from, per the last build that completed:
 * undefined without a manifest, or after a build cut short, whose files may
 * not match the problems recorded.
 */
export function outputsInPlace(manifest: OutputManifest): OutputsInPlace | undefined {
  const madeFrom = manifest.madeFrom;
  if (!madeFrom) return undefined;
  return { fingerprintOf: (path) => manifest.records[path]?.fingerprint, renderDiagnostics: madeFrom.diagnostics };
}

/**
 * The output's files, when the last build that wrote them was made from
 * `digest` and every file is still exactly as it left it (same size,
 * modification and change times and inode, as `keptFiles` judges): a build from the same
 * inputs would write the same bytes, so it need produce nothing. Undefined
 * otherwise, including after a build cut short.
 */
export function intactOutputs(outDir: string, manifest: OutputManifest, digest: string): { files: readonly string[]; diagnostics: readonly Diagnostic[] } | undefined {
  if (manifest.madeFrom?.digest !== digest || !outputUntouched(outDir, manifest)) return undefined;
  return { files: manifest.files, diagnostics: manifest.madeFrom.diagnostics };
}

/**
 * Whether every file the manifest lists is exactly as the build that recorded
 * it left it (same size, modification and change times and inode). Asked one file after
 * another, synchronously: the answers come from the kernel's cache, where an
 * awaited `stat` costs more in its round trip through the thread pool than
 * the call itself (10,544 files in about 70 ms against 80-110 ms).
 */
export function outputUntouched(outDir: string, manifest: OutputManifest): boolean {
  return manifest.files.every((path) => trustedRecord(manifest, path, statOrNothing(join(outDir, path))));
}

/** A file's state; undefined when it cannot be had, whatever the reason (gone, a link that loops, a folder become a file): the file is then written again. */
function statOrNothing(path: string): Stats | undefined {
  try {
    return statSync(path, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

/** Keeps in the manifest at `path` what the output in place was made from, for an output found intact: its files and records stay as `manifest` has them. */
export async function keepMadeFrom(path: string, manifest: OutputManifest, madeFrom: MadeFrom): Promise<OutputManifest> {
  return writeManifest(path, manifest.files, manifest.records, madeFrom);
}

/** A file of the output could not be written; the old output is untouched unless `published` says otherwise. Told in the user's language. */
export class WriteError extends MessageError {
  constructor(
    /** The file, as the folder it was written to was named: the message names it so, not within a folder of its own. */
    readonly path: string,
    override readonly cause: NodeJS.ErrnoException,
    /**
     * Whether the build's files were put in place before the failure (only
     * the manifest's record of them is missing), or some of them (`partly`:
     * how many of how many, the others as they were).
     */
    readonly outcome: { readonly published?: boolean; readonly partly?: { readonly done: number; readonly of: number } } = {},
  ) {
    const { published = false, partly } = outcome;
    const told = partly ? message('errors.writePartlyPublished', partly) : message(published ? 'errors.writePublished' : 'errors.writeUnchanged');
    super(message(cause.code === 'ENOSPC' ? 'errors.writeFailedDiskFull' : 'errors.writeFailed', { path, code: cause.code ?? cause.message, outcome: told }));
  }

  /** The same failure, naming its file from `cwd` when it lies below it (the output's files as `--out` names them), else as it is. */
  namedFrom(cwd: string): WriteError {
    const shown = relative(cwd, this.path);
    return shown === '' || shown === '..' || shown.startsWith(`..${sep}`) || isAbsolute(shown) ? this : new WriteError(shown, this.cause, this.outcome);
  }
}

/**
 * A failure of the file system as a `WriteError` that says what is published:
 * the files unchanged, or (`published`, met once the new files are in place)
 * the new files; any other error as it is.
 */
export function writeErrorOf(error: unknown, { published = false }: { readonly published?: boolean } = {}): unknown {
  if (error instanceof WriteError) return published ? new WriteError(error.path, error.cause, { published }) : error;
  if (!isSystemError(error)) return error;
  // A rename names the file it was to replace as `dest`; a write, the temporary file that was to become it.
  const target = (error as { dest?: unknown }).dest;
  return new WriteError(targetOfTemporary(typeof target === 'string' ? target : (error.path ?? '')), error, { published });
}

function isSystemError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string';
}

/** Renames the staged files into place in an order that keeps every link valid, then flushes their directories. */
async function commit(staged: readonly Staged[], io: WriteIo): Promise<string[]> {
  const order = [...staged].sort((a, b) => Number(a.existed) - Number(b.existed) || a.tier - b.tier);
  const written: string[] = [];
  let failed = '';
  try {
    for (const entry of order) {
      failed = entry.target;
      await io.rename(entry.temporary, entry.target);
      written.push(entry.path);
    }
  } catch (error) {
    const done = new Set(written);
    await Promise.all(order.filter((entry) => !done.has(entry.path)).map((entry) => rm(entry.temporary, { force: true })));
    // Each file is whole, old or new, but the output now holds some of each: say how many, not that nothing changed.
    throw isSystemError(error) ? new WriteError(failed, error, written.length > 0 ? { partly: { done: written.length, of: order.length } } : {}) : error;
  }
  for (const directory of new Set(order.map((entry) => dirname(entry.target)))) await flushDirectory(directory);
  return written;
}

/** Removes files the manifest owned and the build no longer plans, and the directories they leave empty. */
async function removeFiles(outDir: string, paths: readonly string[]): Promise<string[]> {
  const removed: string[] = [];
  const touched = new Set<string>();
  const realOut = await realpath(outDir);
  for (const path of paths) {
    const target = join(outDir, path);
    // Through a symbolic link a listed path could name a file outside the output: never remove that.
    const folder = await realpath(dirname(target)).catch(() => undefined);
    if (folder === undefined || (folder !== realOut && !folder.startsWith(`${realOut}${sep}`))) continue;
    const current = await lstat(target).catch(() => undefined);
    if (current?.isFile()) {
      await rm(target, { force: true });
      removed.push(path);
    }
    touched.add(dirname(target));
  }
  for (const directory of [...touched].sort((a, b) => b.length - a.length)) {
    let current = directory;
    while (current.startsWith(outDir) && current !== outDir && (await rmdir(current).then(() => true, () => false))) current = dirname(current);
    await flushDirectory(current).catch(() => undefined);
  }
  return removed;
}

/** Writes every chunk through `handle`, a new file at `path`; returns the size and SHA-256 of what was written. */
async function writeChunks(handle: FileHandle, path: string, chunks: Iterable<string>, io: WriteIo): Promise<{ size: number; digest: string }> {
  const hash = createHash('sha256');
  let size = 0;
  const buffer = takeWriteBuffer();
  try {
    let used = 0;
    const flush = async (): Promise<void> => {
      if (used === 0) return;
      const bytes = buffer.subarray(0, used);
      used = 0;
      hash.update(bytes);
      size += bytes.length;
      await writeFully(handle, bytes, io, path);
    };
    // Each chunk is encoded straight into the buffer, as much as fits at a time: chunks are never joined into one
    // string, which for a feed of full texts meant copying and measuring hundreds of kilobytes more than once.
    const encode = async (text: string): Promise<void> => {
      let rest = text;
      while (rest.length > 0) {
        const { read, written } = UTF8.encodeInto(rest, buffer.subarray(used));
        used += written;
        rest = read < rest.length ? rest.slice(read) : '';
        if (rest.length > 0 || used > buffer.length - MAX_UTF8_CHARACTER) await flush();
      }
    };
    // A surrogate pair cut between two chunks is one character, as it is in the chunks joined.
    let carried = '';
    for (const chunk of chunks) {
      const text = carried + chunk;
      const cut = text.length > 0 && isHighSurrogate(text.charCodeAt(text.length - 1));
      carried = cut ? text.slice(-1) : '';
      await encode(cut ? text.slice(0, -1) : text);
    }
    await encode(carried);
    await flush();
  } finally {
    giveBackWriteBuffer(buffer);
  }
  return { size, digest: hash.digest('hex') };
}

/** A write may take fewer bytes than offered (a nearly full disk, a signal): offer the rest until all are taken. */
async function writeFully(handle: FileHandle, bytes: Uint8Array, io: WriteIo, path: string): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) {
    const taken = await io.writeSome(handle, bytes, offset, bytes.length - offset);
    if (taken <= 0) throw Object.assign(new Error(`cannot write ${path}: the disk took no more bytes`), { code: 'ENOSPC' });
    offset += taken;
  }
}

/** Flushes to disk the renames and removals made in a directory. */
async function flushDirectory(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function digestOf(path: string, hash: Hash): Promise<string> {
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * The manifest kept at `path`; an empty one when there is none or it cannot
 * be read. Under its seal (see `sealedManifest`) it is the one a build wrote
 * and is taken as it is; else (damaged, edited, or written by an earlier
 * version) only what is well formed is taken, and never its witness of an
 * unchanged build: a damaged `until` would let builds skip an embargo.
 */
export async function readOutputManifest(path: string): Promise<OutputManifest> {
  try {
    const [bytes, info] = await Promise.all([readFile(path), stat(path)]);
    const sealed = sealedContent(bytes);
    if (sealed !== undefined) {
      const { files, records, madeFrom } = JSON.parse(sealed) as StoredManifest;
      return { files, records, mtimeMs: info.mtimeMs, ...(madeFrom ? { madeFrom } : {}) };
    }
    const read = JSON.parse(bytes.toString('utf8')) as { manifest?: unknown } | null;
    const value = (read !== null && typeof read.manifest === 'object' ? read.manifest : read) as { files?: unknown; records?: unknown; madeFrom?: unknown } | null;
    if (!Array.isArray(value?.files)) return { ...NO_MANIFEST, damaged: true };
    const files = value.files.filter((file): file is string => typeof file === 'string' && isSafeRelative(file));
    const madeFrom = MadeFromWithoutWitnessSchema.safeParse(value.madeFrom);
    return { files, records: validRecords(value.records, new Set(files)), mtimeMs: info.mtimeMs, ...(madeFrom.success ? { madeFrom: madeFrom.data } : {}) };
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? NO_MANIFEST : { ...NO_MANIFEST, damaged: true };
  }
}

/** What a manifest file holds, as `writeManifest` writes it inside its seal. */
interface StoredManifest {
  readonly written: string;
  readonly files: readonly string[];
  readonly records: Readonly<Record<string, FileRecord>>;
  readonly madeFrom?: MadeFrom;
}

/**
 * A manifest file's text, in pieces: `{"seal":"<digest>","manifest":<manifest>}`
 * on one line, the seal the SHA-256 of the manifest's JSON. A manifest read
 * back under its own seal is not checked against its schema again (zod on the
 * witness's thousands of warnings, and every record and path: 50-70 ms of a
 * no-op build at 5,000 articles, against a few for the digest), and one line
 * is a quarter smaller and quicker to write than the indented JSON it was.
 * Not escaped to ASCII, which would decode faster (15-25 ms of a 4 MB
 * manifest with Arabic paths) but cost 30 ms more each of the two times a
 * build that changes files writes it.
 */
function sealedManifest(manifest: StoredManifest): string[] {
  const body = JSON.stringify(manifest);
  return [`${SEAL_START}${sealOf(body)}${SEAL_END}`, body, SEAL_CLOSE];
}

const SEAL_START = '{"seal":"';
const SEAL_END = '","manifest":';
const SEAL_CLOSE = '}\n';
/** A SHA-256 digest in base64url. */
const SEAL_LENGTH = 43;

function sealOf(body: string | Uint8Array): string {
  return createHash('sha256').update(body).digest('base64url');
}

/** The manifest's text inside a file's bytes when the file is sealed and its seal is the digest of that text; undefined otherwise. */
function sealedContent(bytes: Buffer): string | undefined {
  const bodyStart = SEAL_START.length + SEAL_LENGTH + SEAL_END.length;
  const bodyEnd = bytes.length - SEAL_CLOSE.length;
  const head = bytes.toString('latin1', 0, bodyStart);
  if (bodyEnd <= bodyStart || !head.startsWith(SEAL_START) || !head.endsWith(SEAL_END) || bytes.toString('latin1', bodyEnd) !== SEAL_CLOSE) return undefined;
  const body = bytes.subarray(bodyStart, bodyEnd);
  return sealOf(body) === head.slice(SEAL_START.length, SEAL_START.length + SEAL_LENGTH) ? body.toString('utf8') : undefined;
}

/** The well-formed records of listed files: a damaged entry is simply not trusted. */
function validRecords(value: unknown, files: ReadonlySet<string>): Record<string, FileRecord> {
  if (typeof value !== 'object' || value === null) return {};
  const records: Record<string, FileRecord> = {};
  for (const [path, record] of Object.entries(value as Record<string, unknown>)) {
    const r = record as Partial<FileRecord> | null;
    const wellFormed = files.has(path) && typeof r?.digest === 'string' && typeof r.size === 'number' && typeof r.mtimeMs === 'number' && typeof r.ctimeMs === 'number' && typeof r.ino === 'number';
    if (wellFormed && (r.fingerprint === undefined || typeof r.fingerprint === 'string')) records[path] = r as FileRecord;
  }
  return records;
}

/** A manifest names paths inside the output only: a tampered one cannot remove anything elsewhere. */
function isSafeRelative(path: string): boolean {
  return path.length > 0 && !path.startsWith('/') && !path.split(/[\\/]/).some((part) => part === '..' || part === '');
}

async function writeManifest(path: string, files: readonly string[], records: Readonly<Record<string, FileRecord>>, madeFrom?: MadeFrom): Promise<OutputManifest> {
  const sorted = [...files].sort();
  const kept = Object.fromEntries(sorted.flatMap((file) => (records[file] ? [[file, records[file]]] : [])));
  // The moment makes every manifest new bytes, so it is always written again: its own modification time
  // is what tells a file recorded now from one changed later within the clock's granularity.
  const chunks = sealedManifest({ written: new Date().toISOString(), files: sorted, records: kept, ...(madeFrom ? { madeFrom } : {}) });
  await writeOutputs(dirname(path), [{ path: path.slice(dirname(path).length + 1), chunks }]);
  return { files: sorted, records: kept, mtimeMs: (await stat(path)).mtimeMs, ...(madeFrom ? { madeFrom } : {}) };
}

/**
 * A process killed mid-build leaves its temporary files behind; the real files were never touched. Run with the lock held.
 * Listed synchronously: Node's awaited recursive listing of 10,000 outputs took 50-80 ms of a 1 s no-op build, this 15-25.
 */
export async function removeStaleTemporaryFiles(outDir: string): Promise<string[]> {
  const removed: string[] = [];
  for (const path of filesBelow(outDir, (folder) => readdirSync(folder, { withFileTypes: true }), isTemporaryFile)) {
    await rm(path, { force: true });
    removed.push(path);
  }
  return removed;
}

/**
 * The files below `folder` whose name is `wanted`, links not followed. A
 * folder that cannot be listed (gone meanwhile, unreadable) is passed over
 * and the others are still listed: Node's recursive listing gave up on all.
 */
export function filesBelow(folder: string, list: (folder: string) => readonly Dirent[], wanted: (name: string) => boolean = () => true): string[] {
  const files: string[] = [];
  const folders = [folder];
  for (let next = folders.pop(); next !== undefined; next = folders.pop()) {
    let entries: readonly Dirent[];
    try {
      entries = list(next);
    } catch {
      continue;
    }
    // Names from a listing are single segments: joined with the separator, not normalised 20,000 times by path.join.
    for (const entry of entries) {
      if (entry.isDirectory()) folders.push(`${next}${sep}${entry.name}`);
      else if (entry.isFile() && wanted(entry.name)) files.push(`${next}${sep}${entry.name}`);
    }
  }
  return files;
}
