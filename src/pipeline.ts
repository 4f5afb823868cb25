import { createHash } from 'node:crypto';
import type { SiteConfig } from './config.js';
import { diagnostic, hasErrors, sortDiagnostics, withRenderDiagnostics, type Diagnostic } from './diagnostics.js';
import { message, type Message } from './i18n/message.js';
import { composeFeed, entrySources, feedShell, feedSource, profileBudget, type Renderer } from './feeds/compose.js';
import { schemaFiles } from './feeds/extensionSchemas.js';
import { relatedFiles, RELATED_WHOLE_FILE, renderRelatedWholeFile } from './feeds/relatedIndex.js';
import { CHANGES_FILE, renderChanges } from './feeds/changes.js';
import type { FeedDocument } from './feeds/document.js';
import { FEED_FORMATS, FEED_PAGE_FILE, formatNamed, STYLESHEET_FILE, type FeedFormatName } from './feeds/formats.js';
import { planFeeds, planProfileFeeds, selectProfilePosts, type FeedPlan } from './feeds/plan.js';
import type { LoadCache } from './load/cache.js';
import { decidePosts, loadedFile, loadPosts, publishedVersion, type LoadResult } from './load/loadPosts.js';
import type { SourceFile } from './load/parsePost.js';
import { farAheadUntil, farFutureDates } from './load/plausibleDates.js';
import { postDigest } from './load/postDigest.js';
import { bodyReader } from './load/bodies.js';
import { memorySource, type PostSource } from './load/source.js';
import { NO_STATIC_FILES, siteImagesOf, withImageFacts, type ImageLookup, type SiteImages } from './media/images.js';
import type { BodyOf, Post } from './model.js';
import { renderHere, renderOnPool, type RenderOutcome } from './render/bounded.js';
import type { RenderedBodies } from './render/remembered.js';
import { relateLivePosts, TermIndex, type Relatedness, type RelateInputs } from './relate/index.js';
import { isLive, liveBehindLastBuild, type LastBuild } from './schedule/embargo.js';
import { changeKeptUntil, newestFirst, nextChanges, tombstones, type Change } from './state/changes.js';
import { dateCorrections } from './state/corrections.js';
import { NOTHING_PUBLISHED, type Previous, type RecordPaths } from './state/published.js';
import { feedListings, renderFeedPage } from './site/feedPage.js';
import type { FeedListing, LatestArticle } from './site/listing.js';
import { renderIndexPage } from './site/indexPage.js';
import { renderOpml } from './site/opml.js';
import { renderFeedStylesheet } from './site/stylesheet.js';
import { outputUrl } from './urls.js';
import { codeFingerprint } from './version.js';
import { type KeptThreads, WorkPool } from './work/pool.js';
import { compareCodeUnits } from './text.js';

/** A file to write, relative to the output directory. */
export interface OutputFile {
  readonly path: string;
  readonly content: string;
}

/** A file to write, produced in pieces as the writer consumes it, so a large file is never one string in memory. */
export interface PlannedOutput {
  readonly path: string;
  readonly chunks: Iterable<string>;
  /**
   * When the writer renames it into place among the changed files: lower
   * tiers first, so a file is in place before any file that links to it
   * (the stylesheet before the feeds, archive pages and the changes list before the current feed,
   * every feed before the OPML and the index page).
   */
  readonly tier?: number;
  /**
   * What the file is made from, as a digest (the feed document and the code
   * that serialises it). When the file in place was written from the same
   * fingerprint and is untouched since, the writer keeps it without asking
   * for its chunks: an unchanged feed is not serialised again.
   */
  readonly fingerprint?: string;
}

/** The commit tiers of `PlannedOutput.tier`. */
// The changes list goes with the archive pages: every subscription JSON feed links to it.
const TIER = { stylesheet: 0, archivePage: 1, changesList: 1, relatedArticle: 1, scopedFeed: 2, relatedIndex: 2, mainFeed: 3, discovery: 4 } as const;

function tierOf(plan: FeedPlan): number {
  if (plan.archive?.role === 'page') return TIER.archivePage;
  return plan.scope.kind === 'main' ? TIER.mainFeed : TIER.scopedFeed;
}

export interface BuildResult {
  readonly outputs: OutputFile[];
  readonly diagnostics: Diagnostic[];
  /** Valid posts, live or not. */
  readonly posts: Post[];
  /** Live posts per language. */
  readonly livePerLanguage: Record<string, number>;
  /** Files that failed validation and were left out. */
  readonly skippedFiles: string[];
}

export const OPML_FILE = 'opml.xml';
export const INDEX_FILE = 'index.html';

/** How many of a language's newest articles the index page lists. */
const LATEST_ON_INDEX = 10;

/** What a build does after loading, in order: rank related articles, render full texts, compose and write the feeds. */
export type BuildPhase = 'relate' | 'render' | 'write';
export type PhaseListener = (phase: BuildPhase, posts: number) => void;

export interface PlanOptions {
  readonly onLoad?: (done: number) => void;
  /** Called as the outputs are produced, once per phase after loading, with how many posts it concerns: for a progress line. */
  readonly onPhase?: PhaseListener;
  /** What the last build published: a broken file's published version stays. */
  readonly previous?: Previous;
  /** The records of earlier builds (see `load/cache.ts`). */
  readonly cache?: LoadCache;
  /** The files of the static folder, for the byte size, width and height of images (see media/); without, every image is elsewhere. */
  readonly images?: ImageLookup;
  /**
   * What the output in place was made from, as the last complete build left
   * it: only the feed documents whose source changed since have their full
   * texts rendered. Without, every full text is rendered.
   */
  readonly inPlace?: OutputsInPlace;
  /** Most worker threads for the per-post work (default: one per core, at most four); 0 does it all on the calling thread. */
  readonly threads?: number;
  /** Full texts rendered by earlier builds of this process, reused rather than rendered again (see `render/remembered.ts`). */
  readonly rendered?: RenderedBodies;
  /**
   * Where a process that builds again keeps its term index (the daemon's
   * `CacheMemory`): the counts of the posts whose records are unchanged are
   * in it already (see `TermIndex.holds`). Without, each build makes its own.
   */
  readonly termsKept?: { terms?: TermIndex };
  /**
   * How the state directory names post files (see `RecordPaths`): the
   * fingerprints of the outputs name them so, and a build run from another
   * directory finds the outputs in place made from the same posts. Without,
   * by their paths as listed.
   */
  readonly naming?: RecordPaths;
  /** Where a process that builds again keeps a pool thread between builds (see `KeptThreads`); without, each build starts its own. */
  readonly threadsKept?: KeptThreads;
}

/** What a plan decides from its loaded files and a record of what was published (see `SitePlan.decidedFrom`). */
export type PlanDecisions = Pick<SitePlan, 'posts' | 'live' | 'livePerLanguage' | 'diagnostics' | 'skippedFiles' | 'changes' | 'sameUntil' | 'outputsDigest' | 'pins' | 'recordedAt'>;

/** What the last complete build wrote the output in place from (see `write/output.ts`). */
export interface OutputsInPlace {
  /** The fingerprint (`PlannedOutput.fingerprint`) a file in place was written from. */
  fingerprintOf(path: string): string | undefined;
  /** The problems that build met rendering full texts: told again for the posts this build does not render. */
  readonly renderDiagnostics: readonly Diagnostic[];
}

export interface SitePlan extends Omit<BuildResult, 'outputs'> {
  /**
   * Stops the build's worker threads, for a plan whose outputs are not
   * consumed; consuming them stops the threads once the bodies are rendered.
   */
  close(): void;
  /** The most worker threads the build ran at once so far (loading, then relating and rendering): none for a few files or bodies, or with `threads: 0`. */
  threadsAtOnce(): number;
  /** The posts this plan publishes. */
  readonly live: readonly Post[];
  /**
   * What this plan would decide from the same loaded files and clock had the
   * last build's record been `previous`: every part of it that reads the
   * record, worked out again rather than reasoned about (a broken file's
   * published version, the ids, who keeps a contested URL, dates corrected,
   * changes and tombstones, problems naming the last build's moment), and
   * the outputs digest. No post file is read again; a published text may be,
   * and the static folder's facts of a post that is not the same object.
   */
  decidedFrom(previous: Previous): PlanDecisions;
  /** The `related:` pins of the posts, resolved to article keys. */
  readonly pins: LoadResult['pins'];
  /**
   * A digest of everything the outputs are made from: the code, the config,
   * every live post (its text by hash, its dates, id, URL, image facts), the
   * resolved pins and the changes kept (tombstones, changes.json). Two plans with the same digest produce the same bytes,
   * so a build whose output was made from it and is untouched writes nothing.
   */
  readonly outputsDigest: string;
  /** Every post file the source listed, valid or not. */
  readonly listedPaths: ReadonlySet<string>;
  /**
   * The files to write, produced one at a time as they are consumed, so a
   * large archive never holds every output in memory at once.
   */
  readonly outputs: Iterable<PlannedOutput>;
  /**
   * Problems met while the outputs were produced: a body that rendered for
   * its summary at load but not in full. Complete once `outputs` has been
   * consumed; read it after writing.
   */
  readonly renderDiagnostics: readonly Diagnostic[];
  /** The changes to record with this build: the last build's and this one's, within `feeds.tombstoneDays` (see state/changes.ts). */
  readonly changes: readonly Change[];
  /**
   * Until when a build from the same inputs plans exactly this, at any
   * clock from `now` on: the first moment at which a post enters or leaves
   * the feeds, a date stops being far ahead, or a kept change ages out; the
   * end of `now`'s UTC day at the latest, as a warning names the day. `now`
   * itself when a problem names the last build's moment (see
   * `namesLastBuild`), since this build becomes the last one.
   */
  readonly sameUntil: Date;
  /**
   * The moment the record of this build is made for: `now`, or the last
   * build's when the clock reads earlier (see `liveBehindLastBuild`), so
   * that what that build decided stands until the clock passes it.
   */
  readonly recordedAt: Date;
}

/**
 * The whole pipeline, pure: source files, config and the build's clock in;
 * diagnostics at once and feed files on demand out. No disk, no real clock.
 */
export function planSite(source: PostSource, config: SiteConfig, now: Date, options: PlanOptions = {}): SitePlan {
  const { onLoad, onPhase = () => undefined, previous = NOTHING_PUBLISHED, cache } = options;
  const poolOptions = { limits: config.limits, config, ...(options.threads === undefined ? {} : { threads: options.threads }) };
  const terms = options.termsKept?.terms ?? new TermIndex();
  if (options.termsKept) options.termsKept.terms = terms;
  const loadPool = new WorkPool(poolOptions);
  let loaded: LoadResult;
  try {
    loaded = loadPosts(source.files, config, { onLoad, previous, terms, pool: loadPool, ...(cache ? { cache } : {}) });
  } finally {
    // The threads that loaded the posts hold what loading set up (its modules, the spellings met): at 10,000 articles,
    // fresh threads for relating and rendering took the peak while relating from 444 MB to 408 MB.
    loadPool.close();
  }
  const pool = options.threadsKept?.take(poolOptions) ?? new WorkPool(poolOptions);
  const release = (): void => (options.threadsKept ? options.threadsKept.give(pool) : pool.close());
  const images = options.images ?? NO_STATIC_FILES;
  const siteImages = siteImagesOf(config, images);
  const { posts, live, livePerLanguage, diagnostics: allDiagnostics, skippedFiles, changes, sameUntil, recordedAt } = decide(loaded, config, now, previous, images, siteImages);
  const renderProblems: RenderProblems = { found: [], kept: () => [] };
  // Related once, however often the outputs are gone through; the term counts are let go then (at 10,000 articles, some
  // 40 MB that writing would otherwise hold), unless the caller keeps them for its next build.
  let relating: { readonly inputs: RelateInputs } | { readonly done: Relatedness } = { inputs: { terms, pins: loaded.pins } };
  const relate = (helpers: WorkPool): Relatedness => {
    if ('inputs' in relating) relating = { done: relateLivePosts(live, config, { ...relating.inputs, helpers }) };
    return relating.done;
  };
  let digest: string | undefined;
  const digestOf = postDigests(options.naming);
  return {
    outputs: { [Symbol.iterator]: () => generateOutputs({ live, changes }, config, { bodyOf: bodyReader(source, previous.textOf), siteImages: siteImages.images, onPhase, inPlace: options.inPlace, rendered: options.rendered, digestOf }, relate, pool, release, renderProblems) },
    changes,
    sameUntil,
    recordedAt,
    close: release,
    threadsAtOnce: () => Math.max(loadPool.threadsStarted, pool.threadsStarted),
    get renderDiagnostics() {
      return [...renderProblems.found, ...renderProblems.kept()];
    },
    live,
    // Asked only by a build with the cache on: hashing every live post is not free at archive scale.
    get outputsDigest() {
      digest ??= outputsDigestOf({ live, changes }, config, siteImages.images, loaded.pins, digestOf);
      return digest;
    },
    listedPaths: loaded.listedPaths,
    diagnostics: allDiagnostics,
    posts,
    livePerLanguage,
    skippedFiles,
    pins: loaded.pins,
    decidedFrom(other) {
      const again = decide(decidePosts(loaded.files.map(loadedFile), config, { previous: other }), config, now, other, images, siteImages);
      let againDigest: string | undefined;
      return {
        ...again,
        get outputsDigest() {
          againDigest ??= outputsDigestOf({ live: again.live, changes: again.changes }, config, siteImages.images, again.pins, digestOf);
          return againDigest;
        },
      };
    },
  };
}

/** What a plan decides from its loaded files and the last build's record: every part of a plan that reads the record. */
type Decided = Omit<PlanDecisions, 'outputsDigest'>;

/** Everything of a plan after loading that reads the last build's record (`previous`), in the order a plan goes through it. */
function decide(loaded: LoadResult, config: SiteConfig, now: Date, previous: Previous, images: ImageLookup, siteImages: ReturnType<typeof siteImagesOf>): Decided {
  const kept = keepPostsPushedIntoTheFuture(loaded.posts, config, now, previous);
  const diagnostics = kept.diagnostics;
  const corrected = dateCorrections(kept.posts, previous, now, config.feeds.setUpdatedOnCorrection);
  const { posts, diagnostics: imageProblems } = withImageFacts(corrected.posts, images);
  const lastBuild = lastBuildOf(previous);
  const behind = liveBehindLastBuild(posts, now, lastBuild);
  const live = behind.live;
  // Never earlier than the last build's: the record and the changes keep moving forward while the clock is behind.
  const recordedAt = lastBuild !== undefined && now < lastBuild.at ? lastBuild.at : now;
  const livePerLanguage = Object.fromEntries(Object.keys(config.languages).map((lang) => [lang, live.filter((post) => post.lang === lang).length]));
  const noticed = [...diagnostics, ...corrected.diagnostics, ...imageProblems, ...siteImages.diagnostics, ...farFutureDates(posts, now), ...behind.diagnostics];
  const allDiagnostics = noticed.length > 0 ? sortDiagnostics([...loaded.diagnostics, ...noticed]) : loaded.diagnostics;
  const skipped = new Set([...loaded.skippedFiles, ...diagnostics.map((d) => d.file)]);
  const asPublished = (published: { path: string; lang: string }) => publishedVersion(published.path, published.lang, config, previous)?.post;
  const changes = nextChanges(previous, { posts, live, listedPaths: loaded.listedPaths }, recordedAt, config.feeds.tombstoneDays, asPublished);
  const sameUntil = namesLastBuild(allDiagnostics, previous) ? now : firstMomentFrom(now, [...moments([...loaded.posts, ...posts], now), ...changes.map((change) => changeKeptUntil(change, config.feeds.tombstoneDays)), endOfUtcDay(now)]);
  return { posts, live, livePerLanguage, diagnostics: allDiagnostics, skippedFiles: [...skipped].sort(), changes, sameUntil, pins: loaded.pins, recordedAt };
}

/** The last build as a clock set back behind it asks of it (see `liveBehindLastBuild`); undefined without a record. */
function lastBuildOf(previous: Previous): LastBuild | undefined {
  if (previous.at === undefined) return undefined;
  // Made only when asked: only while the clock is behind the last build.
  let latestChange: Map<string, Change> | undefined;
  const latestChangeOf = (key: string): Change | undefined => {
    if (!latestChange) {
      latestChange = new Map();
      for (const change of [...previous.changes].sort(newestFirst)) if (!latestChange.has(`${change.lang} ${change.id}`)) latestChange.set(`${change.lang} ${change.id}`, change);
    }
    return latestChange.get(key);
  };
  return {
    at: new Date(previous.at),
    published: (post) => {
      const published = previous.byPath(post.sourcePath);
      return published?.lang === post.lang && published.hash === post.sourceHash;
    },
    withdrewAsExpired: (post) => {
      const change = latestChangeOf(`${post.lang} ${post.id}`);
      return change?.type === 'deleted' && change.reason === 'expired';
    },
  };
}

/**
 * Whether a problem names the moment of the last build (a correction left
 * undated since it, a broken file's version published by it): this build
 * becomes the last one, so the next build says it otherwise.
 */
function namesLastBuild(diagnostics: readonly Diagnostic[], previous: Previous): boolean {
  const at = previous.at;
  return at !== undefined && diagnostics.some((problem) => problem.message.includes(at));
}

/** Every moment at which a post's fate or warnings can change with the clock: its date, embargo and expiry, and where its dates stop being far ahead. */
function* moments(posts: readonly Post[], now: Date): Generator<Date> {
  for (const post of posts) {
    yield post.date;
    if (post.publishAt) yield post.publishAt;
    if (post.expires) yield post.expires;
    for (const written of post.writtenDates ?? []) {
      const until = farAheadUntil(written.date, now);
      if (until) yield until;
    }
  }
}

/** The earliest of `moments` that is not before `now`. */
function firstMomentFrom(now: Date, moments: readonly Date[]): Date {
  let first = Number.POSITIVE_INFINITY;
  for (const moment of moments) {
    const time = moment.getTime();
    if (time >= now.getTime() && time < first) first = time;
  }
  return new Date(first);
}

function endOfUtcDay(now: Date): Date {
  const end = new Date(now);
  end.setUTCHours(24, 0, 0, 0);
  return end;
}

/** See `SitePlan.outputsDigest`: the inputs of `generateOutputs`, in an order that does not depend on the file listing. */
function outputsDigestOf(
  { live, changes }: { live: readonly Post[]; changes: readonly Change[] },
  config: SiteConfig,
  siteImages: SiteImages,
  pins: ReadonlyMap<string, readonly string[]>,
  digestOf: (post: Post) => string,
): string {
  const hash = createHash('sha256').update(settingsDigest(config, siteImages));
  // By language first: the listing names each language's files from its own folder, in the same order from any directory.
  for (const post of [...live].sort((a, b) => compareCodeUnits(a.lang, b.lang) || compareCodeUnits(a.sourcePath, b.sourcePath))) hash.update('\0').update(digestOf(post));
  // Tombstones and changes.json come from the changes, which go as the tombstone period passes.
  hash.update('\0').update(JSON.stringify(changes));
  hash.update('\0').update(JSON.stringify([...pins].sort(([a], [b]) => compareCodeUnits(a, b))));
  return hash.digest('base64url');
}

/**
 * What every output is made from besides the posts: nashra's code, the config
 * and the site's images. Not the settings no output is made from (when the
 * daemon builds, how far a build may shrink the archive), so that editing
 * them keeps the output in place rather than compose every document to find
 * it unchanged (8-11 s at 5,000 articles).
 */
function settingsDigest(config: SiteConfig, siteImages: SiteImages): string {
  const outputSettings = { ...config, schedule: undefined, maxShrink: undefined }; // left out by JSON.stringify
  return createHash('sha256').update(codeFingerprint()).update('\0').update(JSON.stringify(outputSettings)).update('\0').update(JSON.stringify(siteImages)).digest('base64url');
}

/**
 * A published article whose `date` was edited into the future would vanish
 * until then: almost always a typo (2052 for 2025). Its published version
 * stays, with an error that says how to withdraw or re-schedule it on purpose.
 */
function keepPostsPushedIntoTheFuture(posts: readonly Post[], config: SiteConfig, now: Date, previous: Previous): { posts: Post[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const kept = posts.map((post) => {
    const heldByDateAlone = !post.draft && post.date > now && post.publishAt?.getTime() === post.date.getTime();
    if (!heldByDateAlone || !previous.byPath(post.sourcePath)) return post;
    const published = publishedVersion(post.sourcePath, post.lang, config, previous);
    if (!published) return post;
    const date = post.writtenDates?.find((written) => written.field === 'date')?.position ?? { line: 1, column: 1 };
    const withdrawing = diagnostic(post.sourcePath, date, 'error', 'date', message('diagnostics.date.futurePublished', { date: post.date.toISOString() }));
    if (!published.post) {
      diagnostics.push(withdrawing, published.note);
      return post;
    }
    if (!isLive(published.post, now)) return post;
    diagnostics.push(withdrawing);
    return published.post;
  });
  return { posts: kept, diagnostics };
}

/** `planSite` with every output produced: for tests and small sites. */
export function buildSite(files: readonly SourceFile[], config: SiteConfig, now: Date, options: Pick<PlanOptions, 'images'> = {}): BuildResult {
  const plan = planSite(memorySource(files), config, now, options);
  const outputs = [...plan.outputs].map((output) => ({ path: output.path, content: [...output.chunks].join('') }));
  return { ...plan, outputs, diagnostics: withRenderDiagnostics(plan.diagnostics, plan.renderDiagnostics) };
}


/**
 * Every output file, each composed as the writer asks for it. Everything that
 * reads post bodies back (rendering the full-content items) happens before
 * the first file is handed out, so a post file that changed mid-build stops
 * the build before anything is written.
 *
 * With the output in place known (`inPlace`), only the feed documents whose
 * source changed have their full texts rendered: the writer keeps the others
 * without asking for them. The problems met rendering the posts no document
 * needed are told again from the build that rendered them.
 */
function* generateOutputs(
  published: { live: readonly Post[]; changes: readonly Change[] },
  config: SiteConfig,
  { bodyOf, siteImages, onPhase, inPlace, rendered, digestOf }: { bodyOf: BodyOf; siteImages: SiteImages; onPhase: PhaseListener; inPlace: OutputsInPlace | undefined; rendered: RenderedBodies | undefined; digestOf: (post: Post) => string },
  relate: (helpers: WorkPool) => Relatedness,
  pool: WorkPool,
  release: () => void,
  problems: RenderProblems,
): Generator<PlannedOutput> {
  const { live, changes } = published;
  const deleted = tombstones(changes, live);
  const sitePlans = planFeeds(live, config, deleted);
  const selections = selectProfilePosts(live, config, deleted);
  const fullTextOf = (plans: readonly FeedPlan[]) => plans.filter((plan) => plan.fullContent).flatMap((plan) => plan.posts);
  // A profile's feeds, archive pages included, carry every article it selects in full.
  const selected = selections.flatMap((selection) => selection.posts);
  const everyFullText = new Set([...fullTextOf(sitePlans), ...selected]);
  // Started now, the threads load their modules while the related lists are computed: as many as the full texts need
  // when there is no output to compare with; else one, for the few texts a change reaches (starting it when they are
  // known kept the build waiting 300 ms for it), which ranks related articles meanwhile.
  pool.grow(inPlace ? Math.min(everyFullText.size, 1) : everyFullText.size);
  let render: FullTextRenderer;
  let relatedness: Relatedness;
  let sourceOf: (plan: FeedPlan) => string;
  const settings = settingsDigest(config, siteImages);
  try {
    onPhase('relate', live.length);
    relatedness = relate(pool);
    const related = relatedness;
    const entrySource = entrySources(related, digestOf);
    sourceOf = memoized((plan: FeedPlan) => feedSource(plan, settings, entrySource));
    const stale = inPlace ? sitePlans.filter((plan) => !keptInPlace(plan, sourceOf(plan), inPlace)) : sitePlans;
    const fullText = [...new Set([...fullTextOf(stale), ...selected])];
    render = fullTextRenderer(fullText, { pool, config, bodyOf, problems: problems.found, onPhase, carried: everyFullText, ...(rendered ? { rendered } : {}) });
  } finally {
    release();
  }
  const profiles = planProfileFeeds(selections, (selection) => profileBudget(selection, config, render, relatedness, siteImages), config);
  problems.found.push(...profiles.diagnostics);

  onPhase('write', live.length);
  const listings: FeedListing[] = [];
  const latest = new Map<string, LatestArticle[]>();
  for (const plan of [...sitePlans, ...profiles.plans]) {
    let document: FeedDocument | undefined;
    const composed = (): FeedDocument => (document ??= composeFeed(plan, config, render, relatedness, siteImages));
    for (const { format, ...output } of feedOutputs(plan, sourceOf(plan))) {
      yield { ...output, chunks: lazily(() => (format === 'page' ? renderFeedPage(composed(), config) : formatNamed(format).serialise(composed()))) };
    }
    if (plan.archive?.role === 'page') continue;
    listings.push(...feedListings(feedShell(plan, config)));
    if (plan.scope.kind === 'main') latest.set(plan.lang, plan.posts.slice(0, LATEST_ON_INDEX).map((post) => ({ title: post.title, url: post.url, published: post.date })));
  }
  for (const lang of Object.keys(config.languages)) {
    yield* relatedOutputs(lang, live, relatedness, settings);
    if (config.feeds.relatedWholeFile) yield { path: `${lang}/${RELATED_WHOLE_FILE}`, chunks: renderRelatedWholeFile(lang, live, relatedness), tier: TIER.mainFeed };
    yield { path: `${lang}/${CHANGES_FILE}`, chunks: lazily(() => renderChanges(lang, changes, config)), tier: TIER.changesList };
  }
  yield { path: OPML_FILE, chunks: [renderOpml(listings, config)], tier: TIER.discovery };
  yield { path: INDEX_FILE, chunks: [renderIndexPage(listings, config, latest)], tier: TIER.discovery };
  // Its offset table takes a moment to compute: kept as it is unless the code or the time zone changed.
  const stylesheetSource = createHash('sha256').update(codeFingerprint()).update(config.timeZone).digest('base64url');
  yield { path: STYLESHEET_FILE, chunks: lazily(() => renderFeedStylesheet(config.timeZone)), tier: TIER.stylesheet, fingerprint: `xsl:${stylesheetSource}` };
  for (const schema of schemaFiles((path) => outputUrl(config, path))) yield { path: schema.path, chunks: [schema.content], tier: TIER.stylesheet };
  // Asked once the files are written: a document the writer found missing is composed late, and its texts rendered then.
  if (inPlace) problems.kept = () => renderProblemsKept(everyFullText, render, inPlace);
}

/** Problems met rendering full texts: those this build met, and those of the build in place for the texts it did not render again. */
interface RenderProblems {
  readonly found: Diagnostic[];
  kept: () => Diagnostic[];
}

/** The files of one feed document: one per format, and its page unless it is an archive page; each fingerprinted by the document's source. */
function feedOutputs(plan: FeedPlan, source: string): (Omit<PlannedOutput, 'chunks'> & { format: FeedFormatName | 'page'; fingerprint: string })[] {
  const tier = tierOf(plan);
  const files = FEED_FORMATS.map((format) => ({ path: plan.basePath + format.fileName, format: format.name, tier, fingerprint: `${format.name}:${source}` }));
  if (plan.archive?.role === 'page') return files;
  return [...files, { path: plan.basePath + FEED_PAGE_FILE, format: 'page' as const, tier: TIER.discovery, fingerprint: `page:${source}` }];
}

/** Whether every file of a plan's document is in place as written from `source`, so the writer will not ask for it. */
function keptInPlace(plan: FeedPlan, source: string, inPlace: OutputsInPlace): boolean {
  return feedOutputs(plan, source).every((output) => inPlace.fingerprintOf(output.path) === output.fingerprint);
}

/** The problems that rendering gave the build in place for the full texts that this build did not render, as they are unchanged. */
function renderProblemsKept(fullText: ReadonlySet<Post>, render: FullTextRenderer, inPlace: OutputsInPlace): Diagnostic[] {
  const notRendered = new Set([...fullText].filter((post) => !render.rendered(post)).map((post) => post.sourcePath));
  return inPlace.renderDiagnostics.filter((problem) => notRendered.has(problem.file));
}

/** `postDigest`, each post's file named as `naming` names it, once per plan (a post is in several documents). */
function postDigests(naming: RecordPaths | undefined): (post: Post) => string {
  const ofThisPlan = new WeakMap<Post, string>();
  return (post) => {
    let digest = ofThisPlan.get(post);
    if (digest !== undefined) return digest;
    digest = postDigest(post, naming ? naming.recorded(post.sourcePath, post.lang) : post.sourcePath);
    ofThisPlan.set(post, digest);
    return digest;
  };
}

function memoized<K extends object, V>(compute: (key: K) => V): (key: K) => V {
  const values = new Map<K, V>();
  return (key) => {
    if (!values.has(key)) values.set(key, compute(key));
    return values.get(key) as V;
  };
}

/**
 * A language's related files: every article's before the index that points
 * at them. Each is fingerprinted by what it is made from (`settings` for the
 * code), so an article whose list did not change is neither produced again
 * nor written.
 */
function* relatedOutputs(lang: string, live: readonly Post[], relatedness: Relatedness, settings: string): Generator<PlannedOutput> {
  for (const file of relatedFiles(lang, live, relatedness)) {
    const tier = file.role === 'index' ? TIER.relatedIndex : TIER.relatedArticle;
    yield { path: file.path, chunks: lazily(file.content), tier, fingerprint: `related:${createHash('sha256').update(settings).update('\0').update(file.source).digest('base64url')}` };
  }
}

/** A file's chunks, produced only when the writer asks for them. */
function lazily(produce: () => string | readonly string[]): Iterable<string> {
  return {
    *[Symbol.iterator]() {
      const produced = produce();
      if (typeof produced === 'string') yield produced;
      else yield* produced;
    },
  };
}

/** A renderer that knows which bodies it rendered in this build. */
interface FullTextRenderer extends Renderer {
  rendered(post: Post): boolean;
}

/**
 * The full text of every post that a full-content feed carries, rendered at
 * once on the render threads within the time budget of `limits.renderMs`.
 * When a body cannot be rendered (its summary, rendered at load, could), the
 * summary stands in for it and an error says so. The post is live already,
 * and other posts link to it, so it keeps its place rather than stopping the build.
 */
function fullTextRenderer(
  posts: readonly Post[],
  { pool, config, bodyOf, problems, onPhase, carried, rendered }: { pool: WorkPool; config: SiteConfig; bodyOf: BodyOf; problems: Diagnostic[]; onPhase: PhaseListener; carried: Iterable<Post>; rendered?: RenderedBodies },
): FullTextRenderer {
  const bodies = new Map<Post, string>();
  const inputsOf = (post: Post) => ({ sourceHash: post.sourceHash, pageUrl: post.url, limits: config.limits });
  /** The post's body from what rendering gave (the summary, with an error, when it failed), told once. */
  const use = (post: Post, outcome: RenderOutcome): string => {
    if (!('failure' in outcome)) reportRenderWarnings(post, outcome.warnings, problems);
    const html = 'failure' in outcome ? summaryInstead(post, outcome.failure, problems) : outcome.html;
    bodies.set(post, html);
    return html;
  };
  /** A body rendered in this build, kept for the next when it rendered. */
  const fresh = (post: Post, outcome: RenderOutcome): string => {
    if (!('failure' in outcome)) rendered?.keep(inputsOf(post), outcome);
    return use(post, outcome);
  };
  rendered?.startBuild();
  const toRender: Post[] = [];
  for (const post of posts) {
    const known = rendered?.find(inputsOf(post));
    if (known) use(post, known);
    else toRender.push(post);
  }
  pool.grow(toRender.length);
  onPhase('render', toRender.length);
  const jobs = toRender.map((post) => ({ key: post, read: () => ({ markdown: bodyOf(post), pageUrl: post.url }) }));
  renderOnPool(pool, config.limits, jobs, fresh);
  // The texts of every full-content feed stay remembered, those this build did not need included.
  for (const post of carried) rendered?.carry(inputsOf(post));
  return {
    body(post) {
      const html = bodies.get(post);
      if (html !== undefined) return html;
      const known = rendered?.find(inputsOf(post));
      // A body no full-content feed asked for in advance: rendered here.
      return known ? use(post, known) : fresh(post, renderHere(bodyOf(post), post.url, config.limits));
    },
    rendered: (post) => bodies.has(post),
  };
}

function reportRenderWarnings(post: Post, warnings: readonly Message[], problems: Diagnostic[]): void {
  for (const warning of warnings) problems.push(diagnostic(post.sourcePath, { line: 1, column: 1 }, 'warning', 'body', warning));
}

function summaryInstead(post: Post, reason: Message, problems: Diagnostic[]): string {
  problems.push(diagnostic(post.sourcePath, { line: 1, column: 1 }, 'error', 'body', message('diagnostics.render.summaryInstead', { reason })));
  return post.summaryHtml;
}

export { hasErrors };
