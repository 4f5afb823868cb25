import { createHash } from 'node:crypto';
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

/** A digest of the file's bytes: the part of the ETag shared by every coding. */
export function contentDigest(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('base64url');
}

/**
 * A strong entity tag per representation: the gzip and br bytes differ from
 * the file's, so each coding has its own tag (RFC 9110 8.8.3).
 */
export function entityTag(digest: string, coding: ContentCoding): string {
  return coding === 'identity' ? `"${digest}"` : `"${digest}-${coding === 'gzip' ? 'gz' : 'br'}"`;
}

export type Compress = (bytes: Buffer, coding: Exclude<ContentCoding, 'identity'>) => Promise<Buffer>;

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** zlib on the thread pool; best compression, since each result is cached. */
export const compressWithZlib: Compress = (bytes, coding) =>
  coding === 'br'
    ? brotli(bytes, {
        params: {
          [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
          [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
          [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
        },
      })
    : gzipAsync(bytes, { level: constants.Z_BEST_COMPRESSION });

interface CacheEntry {
  readonly etag: string;
  readonly bytes: Promise<Buffer>;
}

/**
 * Compressed bytes keyed by file path and coding, valid while the entity tag
 * (a digest of the file's current bytes) is the same: polling clients get the
 * stored bytes, a rewritten file is compressed once more and replaces its old
 * entry. Concurrent requests share one compression. Least recently used
 * entries go first once `maxEntries` is reached.
 */
export class CompressionCache {
  readonly #entries = new Map<string, CacheEntry>();
  readonly #compress: Compress;
  readonly #maxEntries: number;

  constructor(options: { compress?: Compress; maxEntries?: number } = {}) {
    this.#compress = options.compress ?? compressWithZlib;
    this.#maxEntries = options.maxEntries ?? 512;
  }

  get size(): number {
    return this.#entries.size;
  }

  get(path: string, etag: string, coding: Exclude<ContentCoding, 'identity'>, bytes: Buffer): Promise<Buffer> {
    const key = `${coding}\u0000${path}`;
    const cached = this.#entries.get(key);
    this.#entries.delete(key);
    if (cached?.etag === etag) {
      this.#entries.set(key, cached);
      return cached.bytes;
    }
    const compressed = this.#compress(bytes, coding);
    const entry: CacheEntry = { etag, bytes: compressed };
    this.#entries.set(key, entry);
    compressed.catch(() => {
      if (this.#entries.get(key) === entry) this.#entries.delete(key);
    });
    for (const oldest of this.#entries.keys()) {
      if (this.#entries.size <= this.#maxEntries) break;
      this.#entries.delete(oldest);
    }
    return compressed;
  }
}
