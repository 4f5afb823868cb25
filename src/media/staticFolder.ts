/**
 * The edge that reads the static folder (`static` in the config): each image
 * URL under the folder's URL is stat'ed and its first bytes read for its
 * format, width and height (image-size). What it finds goes to the pipeline
 * as data (see `images.ts`).
 */
import { closeSync, openSync, readSync, statSync, type BigIntStats } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { imageSize } from 'image-size';
import { lookup as mediaTypeOfExtension } from 'mime-types';
import type { SiteConfig } from '../config.js';
import type { Diagnostic } from '../diagnostics.js';
import { fileStamp, stampClock, type FileStamp } from '../load/source.js';
import type { Post } from '../model.js';
import { NO_STATIC_FILES, siteImagesOf, staticFileOf, withImageFacts, type ImageFacts, type ImageLookup } from './images.js';

/** As image-size's own file reader: every format it reads keeps its size in the first 512 KiB. */
const HEADER_BYTES = 512 * 1024;

/**
 * Facts by file and stamp (size, modification and change times, inode), kept for the
 * life of the process: a daemon that rebuilds every few minutes reads an
 * image again only when it changed. Same stamp, same facts, as the load cache assumes.
 */
const measuredByStamp = new Map<string, ImageFacts>();

/** A static file as a lookup found it: its stamp, or none when there was no such file. */
export type SeenStaticFile = (absolute: string, stamp: FileStamp | undefined) => void;

/**
 * Looks image URLs up in the static folder of `config`, whose `dir` is
 * relative to `configDir`; paths in diagnostics are relative to `cwd`. `seen`
 * hears of every file looked at, so a build can tell later whether any changed.
 */
export function staticFolder(config: SiteConfig, configDir: string, cwd: string = process.cwd(), seen?: SeenStaticFile): ImageLookup {
  if (!config.static) return NO_STATIC_FILES;
  const dir = resolve(configDir, config.static.dir);
  return (url) => {
    const path = staticFileOf(config, url);
    if (path === undefined) return { kind: 'elsewhere' };
    const absolute = join(dir, ...path.split('/'));
    const file = relative(cwd, absolute) || absolute;
    const facts = measure(absolute, seen);
    return facts ? { kind: 'found', file, facts } : { kind: 'missing', file };
  };
}

/** A file's facts; undefined when there is no such file. A file that cannot be read as an image still has its bytes. */
function measure(absolute: string, seen: SeenStaticFile | undefined): ImageFacts | undefined {
  const takenAtNs = stampClock();
  const stats = statOrUndefined(absolute);
  seen?.(absolute, stats && fileStamp(stats, takenAtNs));
  if (!stats?.isFile()) return undefined;
  // The change time too: `cp -p` over a file keeps its inode, size and modification time.
  const stamp = `${absolute}\0${stats.size}\0${stats.mtimeNs}\0${stats.ctimeNs}\0${stats.ino}`;
  const known = measuredByStamp.get(stamp);
  if (known) return known;
  const bytes = Number(stats.size);
  const facts = { bytes, ...pixelsOf(absolute, Math.min(bytes, HEADER_BYTES)) };
  measuredByStamp.set(stamp, facts);
  return facts;
}

function statOrUndefined(absolute: string): BigIntStats | undefined {
  try {
    return statSync(absolute, { bigint: true, throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

function pixelsOf(absolute: string, length: number): Omit<ImageFacts, 'bytes'> {
  try {
    const { width, height, type } = imageSize(readStart(absolute, length));
    const mediaType = type === undefined ? false : mediaTypeOfExtension(type);
    return { width, height, ...(mediaType ? { type: mediaType } : {}) };
  } catch (error) {
    return { problem: error instanceof Error ? error.message : String(error) };
  }
}

function readStart(absolute: string, length: number): Uint8Array {
  const header = new Uint8Array(length);
  const fd = openSync(absolute, 'r');
  try {
    return header.subarray(0, readSync(fd, header, 0, length, 0));
  } finally {
    closeSync(fd);
  }
}

/** What a build would say of the images of `posts` and of the feed logo and icon, for `nashra check`: the config file locates the static folder. */
export function imageDiagnostics(posts: readonly Post[], config: SiteConfig, configFile: string): Diagnostic[] {
  const lookup = staticFolder(config, dirname(resolve(configFile)));
  return [...withImageFacts(posts, lookup).diagnostics, ...siteImagesOf(config, lookup).diagnostics];
}
