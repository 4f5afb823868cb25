import type { IncomingHttpHeaders } from 'node:http';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import compressible from 'compressible';
import Negotiator from 'negotiator';

export type ContentCoding = 'br' | 'gzip' | 'identity';

/** Server preference when the client's q-values tie: br compresses text best. */
const PREFERENCE: ContentCoding[] = ['br', 'gzip', 'identity'];

/** Below this size compression saves less than its headers cost. */
export const MIN_COMPRESSED_SIZE = 256;

/**
 * negotiator 1.0 takes a `preferred` order for ties; @types/negotiator 0.6
 * does not declare it, and a method with fewer parameters is assignable to
 * this one, so no cast is needed.
 */
interface EncodingNegotiator {
  encodings(available: string[], options: { preferred: string[] }): string[];
}

function isCoding(value: string | undefined): value is ContentCoding {
  return value === 'br' || value === 'gzip' || value === 'identity';
}

/**
 * The content coding of a response: the client's best by Accept-Encoding
 * q-values among those this media type and size allow, br before gzip before
 * identity when equal. Identity when nothing acceptable is offered (RFC 9110
 * lets a server ignore the header rather than answer 406).
 */
export function chooseCoding(headers: IncomingHttpHeaders, mediaType: string, size: number): ContentCoding {
  if (size < MIN_COMPRESSED_SIZE || compressible(mediaType) !== true) return 'identity';
  const negotiator: EncodingNegotiator = new Negotiator({ headers });
  const best = negotiator.encodings([...PREFERENCE], { preferred: [...PREFERENCE] })[0];
  return isCoding(best) ? best : 'identity';
}

/**
 * A strong entity tag per representation: the gzip and br bytes differ from
 * the file's, so each coding has its own tag (RFC 9110 8.8.3).
 */
export function entityTag(digest: string, coding: ContentCoding): string {
  return coding === 'identity' ? `"${digest}"` : `"${digest}-${coding === 'gzip' ? 'gz' : 'br'}"`;
}

export type CompressedCoding = Exclude<ContentCoding, 'identity'>;
export type Compress = (bytes: Buffer, coding: CompressedCoding) => Promise<Buffer>;

/**
 * Brotli's quality 11 costs about a second per megabyte of feed text, quality
 * 9 a hundredth of that for 10 to 20% more bytes (measured on a generated
 * 1,000-article site: related.json 3.4 MB 1,129 ms at 11 and 41 ms at 9, 2.1%
 * against 2.5% of the original; feed.json 630 KB 557 ms and 20 ms; a 41 KB
 * archive page 38 ms at 11). So 11 where it costs tens of milliseconds, 9 above.
 */
export const BROTLI_MAX_QUALITY_SIZE = 64 * 1024;

export function brotliQuality(size: number): number {
  return size <= BROTLI_MAX_QUALITY_SIZE ? constants.BROTLI_MAX_QUALITY : 9;
}

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** zlib on libuv's thread pool, never on the event loop; `Compressions` runs one at a time, so file reads keep the rest of the pool. */
export const compressWithZlib: Compress = (bytes, coding) =>
  coding === 'br'
    ? brotli(bytes, {
        params: {
          [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
          [constants.BROTLI_PARAM_QUALITY]: brotliQuality(bytes.length),
          [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
        },
      })
    : // Level 9 costs about 12 ms per megabyte of feed text: cheap enough at any size.
      gzipAsync(bytes, { level: constants.Z_BEST_COMPRESSION });
