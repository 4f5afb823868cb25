/**
 * The edge around the pure pipeline: read the config and posts from disk,
 * build, write atomically. Shared by `nashra build` and the scheduler daemon.
 */
import { statSync } from 'node:fs';
import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { parseConfig, type SiteConfig } from './config.js';
import { diagnostic, hasErrors, withRenderDiagnostics, type Diagnostic } from './diagnostics.js';
import { message, MessageError, type Message } from './i18n/message.js';
import { CACHE_FILE, cacheKey, dropLoadCache, openLoadCache, saveLoadCache, type CacheMemory, type LoadCache } from './load/cache.js';
import { diskSource, type DiskSource } from './load/readPosts.js';
import { fileStamp, SourceChangedError, stampClock, type FileStamp, type ListedFile } from './load/source.js';
import type { Post } from './model.js';
import type { PhaseListener, PlanDecisions, PlannedOutput, SitePlan } from './pipeline.js';
import type { RenderedBodies } from './render/remembered.js';
import { openRenderedBodies, saveRenderedBodies } from './render/store.js';
import { publicationPlan, planCounts, type PlanState } from './schedule/plan.js';
import { listedPathsOf, publishedRecord, recordContentDigest, recordPaths, recordText, shrinkRefusals, type Previous, type PublishedRecord, type RecordPaths, type ShrinkRefusal } from './state/published.js';
import { manifestPath, openedOf, openPrevious, readRecordText, recordPath, recordPublished, stateDirProblem, storeTexts, storedTexts, storedTextsOf, textsKept, type OpenedState, type RecordRead, type StoredBefore } from './state/store.js';
import { inputsDigest, stillUnchanged, unchangedWitness, withinWindow, type Inputs, type ListedStamp, type Unchanged } from './state/unchanged.js';
import { codeFingerprint } from './version.js';
import type { KeptThreads } from './work/pool.js';
import { intactOutputs, keepMadeFrom, keptFiles, outputUntouched, outputsInPlace, readOutputManifest, removeStaleTemporaryFiles, stageOutputs, writeErrorOf, writeOutputs, type OutputManifest, type WriteOptions, type WriteReport } from './write/output.js';

export interface BuildPaths {
  readonly config: string;
  readonly posts: string;
  readonly out: string;
  /** The private state directory (see state/store.ts), already resolved. */
  readonly state: string;
}

/** A problem that stops a build before any output: an unreadable or invalid config, a missing posts directory. */
export class BuildSetupError extends MessageError {
  constructor(
    text: Message,
    readonly diagnostics: readonly Diagnostic[] = [],
    options?: ErrorOptions,
  ) {
    super(text, options);
  }
}

/**
 * Whether a failed build met a post changing or vanishing between being
 * listed, loaded and rendered: building again once the files are quiet reads
 * them whole, so the daemon retries such a build rather than wait for a tick.
 */
export function metChangingFile(error: unknown): boolean {
  if (error instanceof BuildSetupError) return error.cause instanceof SourceChangedError;
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

/** What a build reports, whether it built or found nothing changed since the last (see `reuseUnchangedBuild`). */
export interface BuildSummary {
  readonly diagnostics: Diagnostic[];
  readonly livePerLanguage: Record<string, number>;
  readonly skippedFiles: string[];
  /** Undefined when nothing was written (`--strict` with errors, or a refused shrink). */
  readonly report?: WriteReport;
  readonly failed: boolean;
  /** Languages the build would have emptied or shrunk by lost files; nothing was written. */
  readonly refusals: readonly ShrinkRefusal[];
  /** Valid posts the feeds do not carry at the build's clock, by why (see `nashra plan`). */
  readonly held: Readonly<Record<PlanState, number>>;
}

export interface BuildOutcome extends BuildSummary {
  readonly config: SiteConfig;
  readonly posts: Post[];
  /**
   * Post files whose record came from the load cache: without reading them
   * (`unread`), or read and found the same text (`reread`); and whether the
   * output was found made from the same inputs and untouched, so that nothing
   * was produced (`outputs`).
   */
  readonly cacheUse: { readonly unread: number; readonly reread: number; readonly outputs: boolean };
}

export interface BuildOptions {
  readonly strict?: boolean;
  /** Publish even when files vanished from the posts folder in numbers (see shrinkRefusals). */
  readonly allowShrink?: boolean;
  readonly onLoad?: (done: number, total: number) => void;
  /** See `PlanOptions.onPhase`: not called for a build that reuses the output in place. */
  readonly onPhase?: PhaseListener;
  /** See `WriteOptions.beforeCommit`. */
  readonly beforeCommit?: () => void;
  /**
   * Whether to reuse and keep what loading each post gave (default true; see
   * load/cache.ts). Without it every post is loaded afresh and the stored
   * cache is neither read nor changed.
   */
  readonly cache?: boolean;
  /** What a process that builds again and again keeps between its builds (see `CacheMemory`): the daemon's. */
  readonly memory?: CacheMemory;
  /** Where a process that builds again keeps a pool thread between builds (see `KeptThreads`). */
  readonly threadsKept?: KeptThreads;
  /**
   * Whether temporary files a killed build left may be there (default true):
   * false for the builds of a process after its first, which holds the lock
   * throughout and removes what a build of its own that fails has staged
   * (walking 10,000 output files took 25-35 ms of each daemon build).
   */
  readonly leftovers?: boolean;
  /** The manifest of the output as the caller read it moments ago, holding the lock (see `reuseUnchangedBuild`), so as not to read it again. */
  readonly manifest?: OutputManifest;
  /** The posts folder as the caller listed and stamped it moments ago (see `reuseUnchangedBuild`), used when the record answers every path that listing asked of it as it did. */
  readonly listing?: PostsListing;
}

export async function loadConfigFile(path: string): Promise<SiteConfig> {
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') throw new BuildSetupError(message('errors.noConfig', { path }));
    throw new BuildSetupError(message('errors.configUnreadable', { path, code: error.code ?? error.message }));
  });
  const { config, diagnostics } = parseConfig(text, path);
  if (!config) throw new BuildSetupError(message('errors.configInvalid', { path }), diagnostics);
  return config;
}

/** How the state directory names the files of the posts folder at `path` that `openPostsDir` lists, from this process's working directory. */
export function postsNaming(path: string): RecordPaths {
  return recordPaths(path, process.cwd());
}

/** What a process's memory keeps the state files a build wrote under (see `CacheMemory`): the names their post files are read as. */
export function memoryKey(paths: Pick<BuildPaths, 'posts'>): string {
  return `${process.cwd()}\u0000${paths.posts}`;
}

/** The post files under the posts directory, listed now and read as they are loaded; a missing directory is a setup error. */
export function openPostsDir(path: string, published?: (path: string) => boolean): DiskSource {
  try {
    return diskSource(resolve(path), process.cwd(), published);
  } catch (error) {
    throw new BuildSetupError(message('errors.postsUnreadable', { path, code: (error as NodeJS.ErrnoException).code ?? String(error) }));
  }
}

/**
 * One build: what the last build published (from the state directory) and
 * the posts in, the feeds written and the new record kept. The caller holds
 * the lock.
 */
export async function runBuild(paths: BuildPaths, now: Date, options: BuildOptions = {}): Promise<BuildOutcome> {
  return (await prepareBuild(paths, now, options)).commit();
}

/** A build planned and checked, its changed files produced when it was prepared ahead; nothing written yet. */
export interface PreparedBuild {
  /** The moment the build publishes for. */
  readonly at: Date;
  /** Writes the files and keeps the record; the caller holds the lock and has written nothing since. */
  commit(): Promise<BuildOutcome>;
}

export interface PrepareOptions extends BuildOptions {
  /**
   * Stage now every file that will change, so that `commit` only renames: a
   * build prepared before an embargo publishes at its second, however long
   * the build takes. The files are staged in the state directory; when that
   * is on another file system than the output, they are produced in memory
   * instead, at most this many bytes (past that, the preparation is given
   * up: undefined).
   */
  readonly aheadBytes?: number;
}

/**
 * Everything of a build up to writing: the config and posts read, the plan
 * made for `now`, the refusals checked. With `aheadBytes`, the files that
 * will change are staged too.
 */
export async function prepareBuild(paths: BuildPaths, now: Date, options: PrepareOptions & { aheadBytes: number }): Promise<PreparedBuild | undefined>;
export async function prepareBuild(paths: BuildPaths, now: Date, options?: BuildOptions): Promise<PreparedBuild>;
export async function prepareBuild(paths: BuildPaths, now: Date, options: PrepareOptions = {}): Promise<PreparedBuild | undefined> {
  const config = await loadConfigFile(paths.config);
  const misplaced = stateDirProblem(paths.state, paths.out, paths.posts);
  if (misplaced) throw new BuildSetupError(misplaced);
  // Left by a build killed mid-write; the caller holds the lock, so none is another process's.
  if (options.leftovers !== false) {
    await removeStaleTemporaryFiles(resolve(paths.out));
    await removeStaleTemporaryFiles(paths.state);
  }
  const named = postsNaming(paths.posts);
  const memoKey = memoryKey(paths);
  // The manifest the check for an unchanged build read names the record the last build wrote: read back as written, it is not checked again.
  const readRecord = (): OpenedState => openPrevious(paths.state, named, options.manifest?.madeFrom?.record, options.listing?.record);
  const { previous, problem, contentDigest } = options.memory ? options.memory.published.remembered(recordPath(paths.state), memoKey, readRecord) : readRecord();
  const cache = openCache(paths.state, config, options.cache !== false, options.memory, named);
  const listed: ListedStamp[] = [];
  const source = listedInto(postsListed(paths, previous, options.listing), listed);
  const seenImages = new Map<string, FileStamp | undefined>();
  const manifest = manifestPath(paths.state);
  const readManifest = (): Promise<OutputManifest> => readOutputManifest(manifest);
  const outputManifest = problemsListed(options.manifest ?? (await (options.memory ? options.memory.outputs.rememberedLater(manifest, memoKey, readManifest) : readManifest())), named);
  // With the cache off, every full text is rendered, as in a first build.
  const inPlace = cache.enabled ? outputsInPlace(outputManifest) : undefined;
  // Loaded only when a build is made: a build that finds nothing changed needs none of the pipeline.
  const [{ planSite }, { staticFolder }] = await Promise.all([import('./pipeline.js'), import('./media/staticFolder.js')]);
  const result = planSite(source, config, now, { ...(inPlace ? { inPlace } : {}), onLoad: (done) => options.onLoad?.(done, source.count), ...(options.onPhase ? { onPhase: options.onPhase } : {}), previous, images: staticFolder(config, dirname(resolve(paths.config)), process.cwd(), (absolute, stamp) => seenImages.set(absolute, stamp)), ...(cache.cache ? { cache: cache.cache } : {}), ...(cache.bodies ? { rendered: cache.bodies } : {}), ...(cache.enabled && options.memory ? { termsKept: options.memory } : {}), ...(options.threadsKept ? { threadsKept: options.threadsKept } : {}), naming: named });
  // Stored now rather than after the outputs, so its records are not held while they are produced; a process that keeps
  // them anyway (the daemon) stores them once the feeds are out, so that a saved post does not wait for the store.
  const saveLater = options.memory !== undefined;
  const cacheWarnings = saveLater ? [] : await cache.save();
  const savedLate = async (): Promise<Diagnostic[]> => (saveLater ? cache.save() : []);
  const manifestProblem = outputManifest.damaged ? message('diagnostics.state.manifestDamaged', { path: manifest, out: paths.out }) : undefined;
  const stateWarnings = [problem, ...(cache.problems ?? []), manifestProblem].flatMap((text) => (text ? [diagnostic(paths.state, { line: 1, column: 1 }, 'warning', 'state', text)] : []));
  const diagnostics = [...stateWarnings, ...result.diagnostics, ...cacheWarnings];
  const failed = hasErrors(diagnostics);
  const refusals = options.allowShrink ? [] : shrinkRefusals(previous, { listedPaths: result.listedPaths, posts: result.posts }, config.maxShrink);
  const nothingToWrite = refusals.length > 0 || (failed && options.strict === true);
  // With the cache on, an output made from these very inputs and untouched since is kept as it is: nothing is rendered, related or composed.
  const reused = cache.enabled && !nothingToWrite ? intactOutputs(resolve(paths.out), outputManifest, result.outputsDigest) : undefined;
  const cacheUse = { unread: cache.cache?.reused.byStamp ?? 0, reread: cache.cache?.reused.byHash ?? 0, outputs: reused !== undefined };
  const held = heldCounts(result, now);
  const outcome = { config, diagnostics, posts: result.posts, livePerLanguage: result.livePerLanguage, skippedFiles: result.skippedFiles, failed, refusals, cacheUse, held };
  // The record of what this build publishes, as it is stored: made once, as the next build's witness needs it too.
  let recordMade: MadeRecord | undefined;
  const record = (): MadeRecord => (recordMade ??= madeRecord(publishedRecord(result.live, result.recordedAt, result.changes, named)));
  /** See state/unchanged.ts: kept only when this build's result is the next one's, and it met no problem with the state directory. */
  const unchanged = (): { unchanged?: Unchanged } => {
    if (stateWarnings.length > 0 || cacheWarnings.length > 0) return {};
    const after = record().digest;
    const images = [...seenImages].map(([path, stamp]) => ({ path, ...(stamp ? { stamp } : {}) }));
    const texts = storedTextsOf(result.live);
    const inputs = inputsDigest({ code: codeFingerprint(), config, places: placesOf(paths), options: optionsOf(options), posts: listed, images, record: after, texts, cache: stampOfFile(join(paths.state, CACHE_FILE)).stamp });
    const kept = unchangedWitness(
      { inputs, now, sameUntil: result.sameUntil, images: [...seenImages.keys()], diagnostics: result.diagnostics, livePerLanguage: result.livePerLanguage, skippedFiles: result.skippedFiles, held },
      { before: contentDigest, after, settled },
    );
    return kept ? { unchanged: kept } : {};
  };
  // A build that published something new keeps the witness only if deciding from its own record gives its result again.
  const settled = (): boolean => {
    try {
      return decidesTheSame(result, openedOf(paths.state, record().data, record().digest, named).previous, { now, config, named, held, text: record().text });
    } catch {
      // Asked once the files are in place: a check that cannot be made keeps no witness, and fails nothing.
      return false;
    }
  };
  if (nothingToWrite || reused) result.close();
  /** Raised before the first file is written (see generateOutputs), so the previous feeds stand. */
  const changedUnderTheBuild = async (error: unknown): Promise<never> => {
    if (error instanceof SourceChangedError) {
      // A file that changed under the build: the next one loads every post afresh, whatever its stamp says.
      if (cache.enabled) await dropLoadCache(paths.state).catch(() => undefined);
      throw new BuildSetupError(error.text, [], { cause: error });
    }
    throw error;
  };
  // The published texts, stored while the feeds are written (a first build stores thousands), and all stored before a
  // file of the output changes: the record may name no text that is not there.
  let texts: Promise<StoredBefore> | undefined;
  const storingTexts = (): Promise<StoredBefore> => {
    if (texts) return texts;
    texts = storeTexts(paths.state, result.live, source);
    // Its failure is told when it is awaited, not as an unhandled rejection meanwhile.
    texts.catch(() => undefined);
    return texts;
  };
  const textsReady = async (): Promise<void> => {
    textsKept(await storingTexts().catch((error: unknown) => Promise.reject(writeErrorOf(error))));
  };
  const writeOptions: WriteOptions = {
    manifestPath: manifest,
    manifest: outputManifest,
    readyToCommit: textsReady,
    beforeCommit: options.beforeCommit,
    madeFrom: () => ({ digest: result.outputsDigest, diagnostics: problemsRecorded(result.renderDiagnostics, named), ...unchanged(), record: record().digest }),
  };
  let write = reused
    ? async (): Promise<WriteReport> => {
        // Nothing changes in the output, but the record names the texts as much as after a write.
        await textsReady();
        // The output stays; what lets the next build reuse it is kept, or an older one dropped, so the manifest speaks of the latest build.
        const kept = unchanged();
        const unchangedFiles = { written: [], unchanged: [...reused.files], removed: [] };
        if (!kept.unchanged && !outputManifest.madeFrom?.unchanged) return unchangedFiles;
        // Handed on like a written manifest: a process that builds again (the daemon) keeps it instead of reading it back.
        return { ...unchangedFiles, manifest: await keepMadeFrom(manifest, outputManifest, { digest: result.outputsDigest, diagnostics: problemsRecorded(reused.diagnostics, named), ...kept, record: record().digest }) };
      }
    : (): Promise<WriteReport> => writeOutputs(resolve(paths.out), result.outputs, writeOptions);
  if (options.aheadBytes !== undefined && !nothingToWrite && !reused) {
    // Stored now, from the files as the build loaded them: an edit before the moment then neither stops the commit nor
    // loses what it publishes.
    storingTexts();
    const ahead = await writeAhead(paths, result.outputs, writeOptions, options.aheadBytes).catch(async (error: unknown) => {
      await texts?.catch(() => undefined);
      return changedUnderTheBuild(error);
    });
    await textsReady().catch(changedUnderTheBuild);
    if (!ahead) {
      await savedLate();
      return undefined;
    }
    write = ahead;
    // A build in between (a tick, a change) removes the texts of posts it does not publish: the commit stores them again.
    texts = undefined;
  }
  return {
    at: now,
    commit: async () => {
      if (nothingToWrite) {
        const late = await savedLate();
        return late.length === 0 ? outcome : { ...outcome, diagnostics: [...diagnostics, ...late] };
      }
      const stored = storingTexts();
      // The manifest as written stays in this thread: the report goes on to the daemon's.
      const { manifest: manifestWritten, ...report } = await write().catch(async (error: unknown) => {
        await stored.catch(() => undefined);
        return changedUnderTheBuild(error);
      });
      // Every text was checked before a file of the output changed (`textsReady`); the files are in place by now.
      await recordPublished(paths.state, result.live, record().text, await stored).catch((error: unknown) => Promise.reject(writeErrorOf(error, { published: true })));
      if (options.memory) {
        options.memory.published.keep(recordPath(paths.state), memoKey, openedOf(paths.state, record().data, record().digest, named));
        if (manifestWritten) options.memory.outputs.keep(manifest, memoKey, manifestWritten);
      }
      const late = [...(await savedLate()), ...(await cache.saveBodies())];
      const all = withRenderDiagnostics([...diagnostics, ...late], reused ? reused.diagnostics : result.renderDiagnostics);
      return { ...outcome, diagnostics: all, failed: hasErrors(all), report };
    },
  };
}

/** How many posts the build holds back and why; not a post it publishes while the clock is behind the last build (see `liveBehindLastBuild`). */
function heldCounts(decided: Pick<PlanDecisions, 'posts' | 'live'>, now: Date): Record<PlanState, number> {
  const live = new Set(decided.live);
  return planCounts(publicationPlan(decided.posts, now).filter((entry) => !(entry.state === 'scheduled' && live.has(entry.post))));
}

/**
 * Whether the next build, deciding from the record `next` (the one this
 * build writes) rather than from the one this build read, gives this build's
 * result from the same files at the same clock: the same outputs, record,
 * problems, counts and window of clock, and nothing it would refuse. The
 * parts of a plan that read the record are worked out again (see
 * `SitePlan.decidedFrom`), not reasoned about.
 */
function decidesTheSame(result: SitePlan, next: Previous, build: { readonly now: Date; readonly config: SiteConfig; readonly named: RecordPaths; readonly held: Readonly<Record<PlanState, number>>; readonly text: string }): boolean {
  const again = result.decidedFrom(next);
  const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
  // The same post objects and changes make the same record and, with the same pins, the same outputs: nothing to hash.
  const sameLive = again.live.length === result.live.length && again.live.every((post, index) => post === result.live[index]) && same(again.changes, result.changes);
  return (
    (sameLive ? same([...again.pins], [...result.pins]) : again.outputsDigest === result.outputsDigest) &&
    again.sameUntil.getTime() === result.sameUntil.getTime() &&
    (sameLive || recordText(publishedRecord(again.live, again.recordedAt, again.changes, build.named)) === build.text) &&
    same(again.diagnostics, result.diagnostics) &&
    same(again.livePerLanguage, result.livePerLanguage) &&
    same(again.skippedFiles, result.skippedFiles) &&
    same(heldCounts(again, build.now), build.held) &&
    shrinkRefusals(next, { listedPaths: result.listedPaths, posts: again.posts }, build.config.maxShrink).length === 0
  );
}

/** The record of what a build publishes: as data, as it is stored, and its content digest (what the next build's witness and memory need). */
interface MadeRecord {
  readonly data: PublishedRecord;
  readonly text: string;
  readonly digest: string;
}

function madeRecord(data: PublishedRecord): MadeRecord {
  const text = recordText(data);
  return { data, text, digest: recordContentDigest(text) };
}

/**
 * The last complete build's result, when this build would give it again:
 * the same inputs (post files and static files by stamp, the config, the
 * record of what was published, nashra itself, the options) at a clock
 * within the window the last build's plan holds for, and its output
 * untouched (see state/unchanged.ts). Nothing is loaded, planned or written;
 * the record is left as it is. Undefined whenever anything may differ, or
 * cannot be told: then build. The caller holds the lock.
 */
export async function reuseUnchangedBuild(paths: BuildPaths, now: Date, options: Pick<BuildOptions, 'strict' | 'allowShrink'> = {}): Promise<{ readonly summary?: BuildSummary; readonly manifest: OutputManifest; readonly listing?: PostsListing }> {
  const manifest = await readOutputManifest(manifestPath(paths.state));
  return { manifest, ...(await unchangedSummary(paths, now, options, manifest)) };
}

/** The posts folder as a check for an unchanged build listed and stamped it, for the build that follows to use (see `BuildOptions.listing`). */
export interface PostsListing {
  /**
   * The paths the listing asked whether the record names (only those folders
   * alone would leave out, which it keeps as posts when it does), with the
   * answers: a record that answers the same gives the same listing.
   */
  readonly asked: ReadonlyMap<string, boolean>;
  /** The record of what was published as the check read it (none when there was none), which the listing's answers came from. */
  readonly record?: RecordRead;
  readonly source: DiskSource;
  readonly files: readonly ListedFile[];
}

async function unchangedSummary(paths: BuildPaths, now: Date, options: Pick<BuildOptions, 'strict' | 'allowShrink'>, manifest: OutputManifest): Promise<{ summary?: BuildSummary; listing?: PostsListing }> {
  const kept = manifest.madeFrom?.unchanged;
  // The clock first: past the window nothing else need be looked at.
  if (!kept || !withinWindow(kept, now)) return {};
  let config: SiteConfig;
  let source: DiskSource;
  const text = await readRecordText(paths.state);
  const record = text === undefined ? undefined : { text, digest: recordContentDigest(text) };
  const named = postsNaming(paths.posts);
  const published = publishedAsked(text, named);
  try {
    config = await loadConfigFile(paths.config);
    if (stateDirProblem(paths.state, paths.out, paths.posts)) return {};
    source = openPostsDir(paths.posts, published.has);
  } catch (error) {
    // Told as it should be by the build that follows.
    if (error instanceof BuildSetupError) return {};
    throw error;
  }
  if (published.unreadable()) return {};
  const files = [...source.files].filter((file): file is ListedFile => 'read' in file);
  const listing = { asked: published.asked, ...(record ? { record } : {}), source, files };
  const posts = files.map((file) => ({ path: file.path, lang: file.lang, ...(file.stamp ? { stamp: file.stamp } : {}) }));
  const images = kept.images.map((path) => ({ path, ...stampOfFile(path) }));
  const texts = await storedTexts(paths.state);
  const cacheFile = stampOfFile(join(paths.state, CACHE_FILE)).stamp;
  const inputs = inputsDigest({ code: codeFingerprint(), config, places: placesOf(paths), options: optionsOf(options), posts, images, record: record?.digest, texts, cache: cacheFile });
  if (!stillUnchanged(kept, inputs, now)) return { listing };
  await removeStaleTemporaryFiles(resolve(paths.out));
  await removeStaleTemporaryFiles(paths.state);
  if (!outputUntouched(resolve(paths.out), manifest)) return { listing };
  const diagnostics = withRenderDiagnostics(kept.diagnostics, problemsListed(manifest, named).madeFrom?.diagnostics ?? []);
  const summary = {
    diagnostics,
    livePerLanguage: { ...kept.livePerLanguage },
    skippedFiles: [...kept.skippedFiles],
    report: { written: [], unchanged: [...manifest.files], removed: [] },
    failed: hasErrors(diagnostics),
    refusals: [],
    held: kept.held,
  };
  return { summary };
}

/**
 * Whether the record names a path, as the listing names it, read from the
 * record's text only when first asked: a listing asks only of files folders
 * alone would leave out (see `postNames`), mostly none, and parsing the record
 * of 5,000 articles cost 60 ms of a 1 s no-op build. A record never parsed
 * is still part of the inputs by its digest, which tells JSON from not-JSON
 * (see `recordContentDigest`). `unreadable` once asked of a text that is not
 * JSON with a version and a list of posts.
 */
function publishedAsked(record: string | undefined, paths: RecordPaths): { has(path: string): boolean; readonly asked: ReadonlyMap<string, boolean>; unreadable(): boolean } {
  const asked = new Map<string, boolean>();
  let parsed: ReadonlySet<string> | 'unreadable' | undefined;
  const read = (): ReadonlySet<string> | 'unreadable' => {
    if (record === undefined) return new Set();
    try {
      const { version, posts } = JSON.parse(record) as { version?: unknown; posts?: unknown };
      if (typeof version !== 'number' || !Array.isArray(posts)) return 'unreadable';
      const named = posts.flatMap((post: unknown) => (typeof (post as { path?: unknown } | null)?.path === 'string' ? [post as { path: string }] : []));
      return new Set(listedPathsOf(version, named, paths).map((post) => post.path));
    } catch {
      return 'unreadable';
    }
  };
  return {
    has: (path) => {
      parsed ??= read();
      const answer = parsed !== 'unreadable' && parsed.has(path);
      asked.set(path, answer);
      return answer;
    },
    asked,
    unreadable: () => parsed === 'unreadable',
  };
}

/**
 * The manifest keeps the problems met rendering full texts with their files
 * named from the posts folder (see `RecordPaths`), for a build run from
 * another directory to tell again; a build reads them named as it lists.
 */
function problemsRecorded(problems: readonly Diagnostic[], named: RecordPaths): Diagnostic[] {
  return renamed(problems, named.recordedFile);
}

/** The manifest, its problems named as this build lists (see `problemsRecorded`). */
function problemsListed(manifest: OutputManifest, named: RecordPaths): OutputManifest {
  const madeFrom = manifest.madeFrom;
  if (!madeFrom || madeFrom.diagnostics.length === 0) return manifest;
  return { ...manifest, madeFrom: { ...madeFrom, diagnostics: renamed(madeFrom.diagnostics, named.listed) } };
}

function renamed(problems: readonly Diagnostic[], name: (file: string) => string): Diagnostic[] {
  return problems.map((problem) => ({ ...problem, file: name(problem.file) }));
}

/** The paths a build's result depends on: what diagnostics say and where files go. */
function placesOf(paths: BuildPaths): string[] {
  return [resolve(paths.config), resolve(paths.posts), resolve(paths.out), process.cwd()];
}

function optionsOf(options: Pick<BuildOptions, 'strict' | 'allowShrink'>): Inputs['options'] {
  return { strict: options.strict === true, allowShrink: options.allowShrink === true };
}

/**
 * The posts folder, listed now, or as `listing` found it moments ago when the
 * record answers as it did every path that listing asked of it: then its
 * files are the ones a listing now would give, stamped a moment earlier.
 */
function postsListed(paths: BuildPaths, previous: Previous, listing: PostsListing | undefined): DiskSource {
  const publishedNow = new Set(previous.posts.map((post) => post.path));
  if (!listing || [...listing.asked].some(([path, answer]) => publishedNow.has(path) !== answer)) {
    return openPostsDir(paths.posts, (path) => publishedNow.has(path));
  }
  const files = listing.files;
  return { ...listing.source, files: { count: files.length, [Symbol.iterator]: () => files[Symbol.iterator]() } };
}

/** The source, with each file it lists added to `listed` with its stamp as the loader reaches it. */
function listedInto(source: DiskSource, listed: ListedStamp[]): DiskSource {
  const files = source.files;
  return {
    ...source,
    files: {
      count: files.count,
      *[Symbol.iterator]() {
        for (const file of files) {
          listed.push({ path: file.path, lang: file.lang, ...('stamp' in file && file.stamp ? { stamp: file.stamp } : {}) });
          yield file;
        }
      },
    },
  };
}

/** A file's stamp as `stampUnchanged` reads it; none when there is no such file. */
function stampOfFile(path: string): { stamp?: FileStamp } {
  const takenAtNs = stampClock();
  try {
    const stats = statSync(path, { bigint: true, throwIfNoEntry: false });
    return stats ? { stamp: fileStamp(stats, takenAtNs) } : {};
  } catch {
    return {};
  }
}

/** Where a build prepared ahead stages its files, in the state directory. */
const PREPARED_DIR = 'prepared';

/**
 * Everything of the writing but the renames, done now: the changed files
 * staged in the state directory, which is private, when it is on the output's
 * file system (renames from there are as atomic as from beside the targets);
 * else produced in memory, up to `limit` bytes (undefined past that). Returns
 * what is left to do at the moment.
 */
async function writeAhead(paths: BuildPaths, outputs: Iterable<PlannedOutput>, options: WriteOptions, limit: number): Promise<(() => Promise<WriteReport>) | undefined> {
  const out = resolve(paths.out);
  if ((await deviceOf(paths.state)) === (await deviceOf(out))) {
    // One preparation at a time: whatever an earlier one staged is set aside with it.
    const stagingDir = join(paths.state, PREPARED_DIR);
    await rm(stagingDir, { recursive: true, force: true });
    await mkdir(stagingDir, { recursive: true });
    const staged = await stageOutputs(out, outputs, { ...options, stagingDir });
    return () => staged.commit();
  }
  const produced = await produceAhead(paths, outputs, options, limit);
  return produced && (() => writeOutputs(out, produced, options));
}

/** The device of the file system holding `path`, or of its nearest existing folder. */
async function deviceOf(path: string): Promise<number | undefined> {
  for (let current = resolve(path); ; current = dirname(current)) {
    const info = await stat(current).catch(() => undefined);
    if (info) return info.dev;
    if (dirname(current) === current) return undefined;
  }
}

/**
 * The planned files with the content of every one that will change produced
 * now; undefined when that is more than `limit` bytes. A file kept as it is
 * stays lazy, should it be changed by hand before the commit.
 */
async function produceAhead(paths: BuildPaths, outputs: Iterable<PlannedOutput>, options: WriteOptions, limit: number): Promise<PlannedOutput[] | undefined> {
  const kept = keptFiles(resolve(paths.out), options.manifest ?? (await readOutputManifest(manifestPath(paths.state))));
  const produced: PlannedOutput[] = [];
  let bytes = 0;
  for (const output of outputs) {
    if (await kept(output)) {
      produced.push(output);
      continue;
    }
    const content = [...output.chunks].join('');
    bytes += Buffer.byteLength(content);
    if (bytes > limit) return undefined;
    produced.push({ ...output, chunks: [content] });
  }
  return produced;
}

interface BuildCache {
  readonly enabled: boolean;
  /** Undefined with `--no-cache`: every post is loaded afresh and no record is kept. */
  readonly cache?: LoadCache;
  /** Why a stored cache (records, full texts) was not used, when it exists and could not be. */
  readonly problems?: readonly Message[];
  /** Keeps this build's records for the next; a failure is a warning, never the build's. */
  save(): Promise<Diagnostic[]>;
  /** The full texts rendered by earlier builds; undefined with `--no-cache`, which renders every one. */
  readonly bodies?: RenderedBodies;
  /** Keeps the full texts of this build, once its outputs are written, for the next; a failure is a warning. */
  saveBodies(): Promise<Diagnostic[]>;
}

/** The load cache of the state directory, or none when `enabled` is false (`--no-cache`); from `memory` when it holds the stored records. */
function openCache(stateDir: string, config: SiteConfig, enabled: boolean, memory: CacheMemory | undefined, paths: RecordPaths): BuildCache {
  if (!enabled) {
    memory?.forget();
    return { enabled, save: () => Promise.resolve([]), saveBodies: () => Promise.resolve([]) };
  }
  const key = cacheKey(config);
  const { cache, problem } = memory ? memory.open(stateDir, key, paths) : openLoadCache(stateDir, key, paths);
  // A process that builds again and again reads the stored texts once, then keeps its own.
  const stored = memory?.bodies ? { bodies: memory.bodies } : openRenderedBodies(stateDir, key);
  if (memory) memory.bodies = stored.bodies;
  const notSaved = (messageKey: string) => (error: unknown) => [diagnostic(stateDir, { line: 1, column: 1 }, 'warning', 'state', message(messageKey, { code: (error as NodeJS.ErrnoException).code ?? String(error) }))];
  const save = (): Promise<Diagnostic[]> =>
    saveLoadCache(stateDir, cache, key, paths).then(
      () => {
        memory?.keep(stateDir, key, cache);
        return [];
      },
      notSaved('diagnostics.state.cacheNotSaved'),
    ).finally(() => cache.release());
  // A store that could not be read is written again, even when this build rendered nothing.
  const saveBodies = (): Promise<Diagnostic[]> => saveRenderedBodies(stateDir, stored.bodies, key, { always: stored.problem !== undefined }).then(() => [], notSaved('diagnostics.state.bodiesNotSaved'));
  const problems = [problem, stored.problem].filter((text): text is Message => text !== undefined);
  return { enabled, cache, problems, save, bodies: stored.bodies, saveBodies };
}

