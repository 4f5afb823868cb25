/**
 * What lets a build find that nothing changed without loading a post: the
 * last complete build keeps, with its manifest, a digest of everything it
 * read (nashra's code, the config, the post files and static files by stamp,
 * the record of what was published, the options that change a result), the
 * window of clock within which those inputs give its plan (see
 * `SitePlan.sameUntil`), and what it reported. A build that finds the same
 * digest within the window, and the output untouched, has that result: a
 * cron tick over an unchanged archive costs a listing, not a build.
 *
 * The names of the stored published texts and the load cache's stamp are
 * inputs too: a deleted text is stored again by a build, and a damaged cache
 * is told of.
 *
 * A build keeps this only when its result would be the next build's: it
 * published what the last build had (its record differs by the moment
 * alone), or deciding again from the record it writes gives its result (see
 * `SitePlan.decidedFrom`), met no problem with the state directory, reported no problem that
 * names the last build's moment (see `SitePlan.sameUntil`), and every stamp
 * it read was taken safely after its file's last change (see `stampTrusted`).
 * Pure: the stamps are taken by `build.ts`.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { SiteConfig } from '../config.js';
import { DiagnosticSchema, type Diagnostic } from '../diagnostics.js';
import { stampTrusted } from '../load/cache.js';
import type { FileStamp } from '../load/source.js';
import type { PlanState } from '../schedule/plan.js';

const HeldSchema = z.object({ scheduled: z.number(), expiring: z.number(), draft: z.number(), expired: z.number() }).strict();

export const UnchangedSchema = z
  .object({
    /** See `inputsDigest`. */
    inputs: z.string().min(1),
    /** The window of clock (ISO instants, `until` excluded) within which the inputs give this result. */
    from: z.string().min(1),
    until: z.string().min(1),
    /** The static files the build looked at, absolute: their stamps are part of the inputs. */
    images: z.array(z.string()),
    /** What the build reported before producing its outputs (those met while producing them are `MadeFrom.diagnostics`). */
    diagnostics: z.array(DiagnosticSchema),
    livePerLanguage: z.record(z.string(), z.number()),
    skippedFiles: z.array(z.string()),
    held: HeldSchema,
  })
  .strict();

export type Unchanged = z.infer<typeof UnchangedSchema>;

/** A post file as a build listed it. */
export interface ListedStamp {
  readonly path: string;
  readonly lang: string;
  readonly stamp?: FileStamp;
}

/** A static file as a build looked at it: its stamp, or undefined when there was no such file. */
export interface SeenImage {
  readonly path: string;
  readonly stamp?: FileStamp;
}

/** Everything a build's result depends on besides the clock and the output in place. */
export interface Inputs {
  /** `codeFingerprint()`. */
  readonly code: string;
  readonly config: SiteConfig;
  /** The config file, posts folder and output folder, absolute, and the folder paths in diagnostics are relative to. */
  readonly places: readonly string[];
  /** The options that change what a build reports or writes. */
  readonly options: { readonly strict: boolean; readonly allowShrink: boolean };
  readonly posts: readonly ListedStamp[];
  readonly images: readonly SeenImage[];
  /** `recordContentDigest` of the record of what was published; undefined when there is none. */
  readonly record: string | undefined;
  /** The names of the published texts stored beside the record, which keep a published post when its file breaks. */
  readonly texts: readonly string[];
  /** The load cache file's stamp, or undefined when there is none: a cache damaged since is told of by a build. */
  readonly cache: FileStamp | undefined;
}

/**
 * The digest of `inputs`; undefined when one of the files has no stamp to
 * trust (it could not be stamped, or changed too shortly before: a later
 * change could keep the same stamp).
 */
export function inputsDigest(inputs: Inputs): string | undefined {
  const hash = createHash('sha256');
  hash.update(inputs.code).update('\0').update(JSON.stringify(inputs.config)).update('\0').update(JSON.stringify(inputs.places)).update('\0').update(JSON.stringify(inputs.options));
  hash.update('\0').update(inputs.record ?? '-').update('\0').update(inputs.texts.join('/'));
  hash.update('\0').update(inputs.cache === undefined ? 'none' : stampText(inputs.cache));
  for (const file of inputs.posts) {
    if (!trusted(file.stamp)) return undefined;
    hash.update('\0').update(file.path).update('\0').update(file.lang).update('\0').update(stampText(file.stamp));
  }
  for (const image of [...inputs.images].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    if (image.stamp !== undefined && !trusted(image.stamp)) return undefined;
    hash.update('\0').update(image.path).update('\0').update(image.stamp === undefined ? 'none' : stampText(image.stamp));
  }
  return hash.digest('base64url');
}

/** Whether the last build's result is this build's: same inputs, and a clock within its window. */
export function stillUnchanged(kept: Unchanged, inputs: string | undefined, now: Date): boolean {
  return inputs !== undefined && inputs === kept.inputs && withinWindow(kept, now);
}

/** Whether `now` is within the window of clock in which the kept result holds. */
export function withinWindow(kept: Unchanged, now: Date): boolean {
  return now.getTime() >= Date.parse(kept.from) && now.getTime() < Date.parse(kept.until);
}

/** What a build keeps for the next, when its result is the next build's (see the module's comment). */
export function unchangedWitness(
  build: {
    readonly inputs: string | undefined;
    readonly now: Date;
    readonly sameUntil: Date;
    readonly images: readonly string[];
    readonly diagnostics: readonly Diagnostic[];
    readonly livePerLanguage: Readonly<Record<string, number>>;
    readonly skippedFiles: readonly string[];
    readonly held: Readonly<Record<PlanState, number>>;
  },
  records: {
    readonly before: string | undefined;
    readonly after: string;
    /** Asked when the records differ: whether a plan from the record `after` decides this very result. */
    readonly settled: () => boolean;
  },
): Unchanged | undefined {
  if (build.inputs === undefined || build.sameUntil.getTime() <= build.now.getTime()) return undefined;
  if (records.before !== records.after && !records.settled()) return undefined;
  return {
    inputs: build.inputs,
    from: build.now.toISOString(),
    until: build.sameUntil.toISOString(),
    images: [...build.images].sort(),
    diagnostics: [...build.diagnostics],
    livePerLanguage: { ...build.livePerLanguage },
    skippedFiles: [...build.skippedFiles],
    held: { ...build.held },
  };
}

function trusted(stamp: FileStamp | undefined): stamp is FileStamp {
  return stamp !== undefined && stampTrusted(stamp);
}

function stampText(stamp: FileStamp): string {
  return `${stamp.size}:${stamp.mtimeNs}:${stamp.ctimeNs}:${stamp.ino}`;
}
