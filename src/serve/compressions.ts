import { compressWithZlib, type Compress, type CompressedCoding } from './representation.js';

export interface VariantRequest {
  /** The file, and which version of it. */
  readonly path: string;
  readonly version: string;
  readonly coding: CompressedCoding;
  /** Reads that version's bytes; undefined when the file has been replaced since. */
  readonly read: () => Promise<Buffer | undefined>;
}

interface Variant {
  readonly version: string;
  state: 'queued' | 'running' | 'done';
  bytes?: Buffer;
  readonly result: Promise<Buffer | undefined>;
  readonly settle: (bytes: Buffer | undefined) => void;
  readonly request: VariantRequest;
}

/**
 * The compressed variants of served files: made once per file version and
 * coding, one at a time, and kept while they fit in `maxBytes` (least recently
 * used first out).
 *
 * A response waits for a compression only when it is its own file's and is
 * running: a compression queued behind another file's is not waited for, the
 * response goes uncompressed and a later one gets the variant. So a client
 * asking for every file compressed never makes another client's request wait,
 * and one compression at a time leaves libuv's thread pool to file reads.
 */
export class Compressions {
  readonly #variants = new Map<string, Variant>();
  readonly #queue: string[] = [];
  readonly #compress: Compress;
  readonly #maxBytes: number;
  readonly #log: (line: string) => void;
  #running = false;
  #heldBytes = 0;
  #made = 0;

  constructor(options: { compress?: Compress; maxBytes?: number; log?: (line: string) => void } = {}) {
    this.#compress = options.compress ?? compressWithZlib;
    this.#maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
    this.#log = options.log ?? (() => undefined);
  }

  /** Compressed bytes held now. */
  get heldBytes(): number {
    return this.#heldBytes;
  }

  /** Compressions run so far. */
  get made(): number {
    return this.#made;
  }

  /** The variant's bytes when ready or being made now; undefined when it is waiting its turn (or could not be made). */
  variant(request: VariantRequest): Promise<Buffer | undefined> {
    const key = `${request.coding}\u0000${request.path}`;
    let variant = this.#variants.get(key);
    if (variant?.version !== request.version) {
      if (variant !== undefined) this.#forget(key, variant);
      variant = this.#enqueue(key, request);
    } else {
      // Most recently used last.
      this.#variants.delete(key);
      this.#variants.set(key, variant);
    }
    if (variant.state === 'done') return Promise.resolve(variant.bytes);
    return variant.state === 'running' ? variant.result : Promise.resolve(undefined);
  }

  #enqueue(key: string, request: VariantRequest): Variant {
    let settle: (bytes: Buffer | undefined) => void = () => undefined;
    const result = new Promise<Buffer | undefined>((resolve) => (settle = resolve));
    const variant: Variant = { version: request.version, state: 'queued', result, settle, request };
    this.#variants.set(key, variant);
    this.#queue.push(key);
    this.#startNext();
    return variant;
  }

  #startNext(): void {
    while (!this.#running) {
      const key = this.#queue.shift();
      if (key === undefined) return;
      const variant = this.#variants.get(key);
      // Replaced or forgotten while it waited.
      if (variant?.state !== 'queued') continue;
      this.#running = true;
      variant.state = 'running';
      void this.#make(key, variant).then((compressed) => {
        // Free before the waiters resume, so that a request they trigger can start at once.
        this.#running = false;
        variant.settle(compressed);
        this.#startNext();
      });
    }
  }

  /** Makes the variant and keeps it if it is still wanted; undefined when it cannot be made. */
  async #make(key: string, variant: Variant): Promise<Buffer | undefined> {
    const { request } = variant;
    let compressed: Buffer | undefined;
    try {
      const bytes = await request.read();
      compressed = bytes === undefined ? undefined : await this.#compress(bytes, request.coding);
    } catch (error) {
      this.#log(`nashra serve: cannot compress ${request.path} (${request.coding}): ${error instanceof Error ? error.message : String(error)}`);
    }
    if (compressed !== undefined) this.#made++;
    if (this.#variants.get(key) !== variant) return compressed;
    if (compressed === undefined) {
      this.#variants.delete(key);
      return undefined;
    }
    variant.state = 'done';
    variant.bytes = compressed;
    this.#heldBytes += compressed.length;
    this.#evict();
    return compressed;
  }

  #forget(key: string, variant: Variant): void {
    this.#variants.delete(key);
    if (variant.bytes !== undefined) this.#heldBytes -= variant.bytes.length;
  }

  #evict(): void {
    for (const [key, variant] of this.#variants) {
      if (this.#heldBytes <= this.#maxBytes) return;
      if (variant.state === 'done') this.#forget(key, variant);
    }
  }
}
