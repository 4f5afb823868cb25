/**
 * The file format of the state directory's stores (the load cache, the
 * rendered full texts): a magic line naming the store and its format, then
 * frames (a 32-bit length and what `v8.serialize` writes), an empty frame,
 * and a SHA-1 of everything after the magic line. Frames keep reading and
 * writing to a frame's bytes at a time; the hash catches a cut or damaged
 * file, which is then ignored and rebuilt, never trusted.
 */
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DefaultDeserializer, serialize } from 'node:v8';
import { arena, type NumberArray } from '../arena.js';
import { message, type Message } from '../i18n/message.js';
import { temporaryNameFor } from '../write/temporary.js';

const HASH_BYTES = 20;
const LENGTH_BYTES = 4;

/** A store's first line: its name, which every format shares, and its format. */
export interface StoreMagic {
  readonly family: Buffer;
  readonly line: Buffer;
}

export function storeMagic(name: string, format: number): StoreMagic {
  return { family: Buffer.from(name), line: Buffer.from(`${name} ${format}\n`) };
}

/** Reads a store's frames in order, hashing every byte after the magic line. */
export class FrameReader {
  private position = 0;
  private readonly hash = createHash('sha1');
  /**
   * One buffer for every frame, grown as needed: a fresh buffer per frame
   * costs the kernel a page fault per 4 kB, 40 MB of them for a store of
   * 5,000 articles. Safe because nothing deserialised keeps a view of it.
   */
  private frameBytes = Buffer.alloc(0);
  /** Where the typed arrays of every frame's value are copied to (see `OwningDeserializer`). */
  private readonly ownArray = ownedArrays();

  constructor(private readonly fd: number) {}

  /** Whether the store is of this format ('same'), of another format of the same store ('other'), or not one at all. */
  opens(magic: StoreMagic): 'same' | 'other' | 'damaged' {
    const line = this.bytes(magic.line.length, false);
    if (line?.equals(magic.line)) return 'same';
    return line?.subarray(0, magic.family.length).equals(magic.family) ? 'other' : 'damaged';
  }

  /** Exactly `length` bytes (in `into` when given), or undefined when the file ends first. */
  private bytes(length: number, hashed: boolean, into = Buffer.allocUnsafe(length)): Buffer | undefined {
    const buffer = into.subarray(0, length);
    let filled = 0;
    while (filled < length) {
      const got = readSync(this.fd, buffer, filled, length - filled, this.position + filled);
      if (got === 0) return undefined;
      filled += got;
    }
    this.position += length;
    if (hashed) this.hash.update(buffer);
    return buffer;
  }

  /**
   * The next frame's value when it deserialises to the expected shape;
   * 'end' at the end mark; undefined when the file is cut or the frame is
   * not such a value (a damaged frame may still deserialise: its hash is
   * checked only at the end, by `endsWell`).
   */
  next<T>(looksRight: (value: T) => boolean): T | 'end' | undefined {
    const length = this.bytes(LENGTH_BYTES, true)?.readUInt32LE(0);
    if (length === undefined) return undefined;
    if (length === 0) return 'end';
    if (length > this.frameBytes.length) this.frameBytes = Buffer.allocUnsafe(Math.max(length, this.frameBytes.length * 2));
    const bytes = this.bytes(length, true, this.frameBytes);
    if (!bytes) return undefined;
    try {
      const deserializer = new OwningDeserializer(bytes, this.ownArray);
      deserializer.readHeader();
      const value = deserializer.readValue() as T | null;
      return value !== null && typeof value === 'object' && looksRight(value) ? value : undefined;
    } catch {
      return undefined;
    }
  }

  /** Whether the file ends with the hash of what was read, and nothing after it. */
  endsWell(): boolean {
    const recorded = this.bytes(HASH_BYTES, false);
    return recorded !== undefined && recorded.equals(this.hash.digest()) && this.bytes(1, false) === undefined;
  }
}

type ArrayView = NodeJS.TypedArray | DataView;
const readHostObject = (DefaultDeserializer.prototype as unknown as { _readHostObject(this: DefaultDeserializer): ArrayView })._readHostObject;

/**
 * `v8.deserialize`, except that no typed array it gives is a view of the
 * bytes it read: V8's own gives views, each of which would keep its whole
 * frame alive (and would change under it when the reader reads the next
 * frame into the same buffer). Each is copied as it is read.
 */
class OwningDeserializer extends DefaultDeserializer {
  constructor(
    bytes: Buffer,
    private readonly own: (view: ArrayView) => ArrayView,
  ) {
    super(bytes);
  }

  /** Called by V8 for each typed array or DataView (Node's method, which its types do not declare). */
  _readHostObject(): ArrayView {
    return this.own(readHostObject.call(this));
  }
}

/** Copies of typed arrays, in blocks shared by many of a type (see `arena.ts`: one allocation each would cost more than their numbers). */
function ownedArrays(): (view: ArrayView) => ArrayView {
  const arenas = new Map<ArrayView['constructor'], (values: NumberArray) => NumberArray>();
  return (view) => {
    // Views nashra never stores: copied alone.
    if (view instanceof DataView) return new DataView(view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength));
    if (view instanceof BigInt64Array || view instanceof BigUint64Array) return view.slice();
    const make = view.constructor as new (length: number) => NumberArray;
    let copy = arenas.get(make);
    if (!copy) arenas.set(make, (copy = arena((length) => new make(length))));
    return copy(view);
  };
}

/**
 * What `read` gives of the store at `path`. No store, or one of another
 * format or written for another key (`read` says 'other'), gives no value,
 * quietly; a damaged store or one that cannot be read gives no value and the
 * problem, in the words of `messages` (keys taking `path`, and `code`), as
 * does a store that `read` finds written by another version of nashra when
 * `messages` has words for it.
 */
export function openStore<T>(
  path: string,
  read: (reader: FrameReader) => T | 'other' | 'other version' | 'damaged',
  messages: { readonly damaged: string; readonly unreadable: string; readonly otherVersion?: string },
): { readonly value?: T; readonly problem?: Message } {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    return unreadable(path, error, messages.unreadable);
  }
  try {
    const value = read(new FrameReader(fd));
    if (value === 'other') return {};
    if (value === 'other version') return messages.otherVersion === undefined ? {} : { problem: message(messages.otherVersion, { path }) };
    return value === 'damaged' ? { problem: message(messages.damaged, { path }) } : { value };
  } catch (error) {
    return unreadable(path, error, messages.unreadable);
  } finally {
    closeSync(fd);
  }
}

function unreadable(path: string, error: unknown, key: string): { readonly problem?: Message } {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' ? {} : { problem: message(key, { path, code: code ?? String(error) }) };
}

/**
 * Writes a store: beside its place a frame at a time, flushed, then renamed
 * over it, so the store is always one whole save (and one cut anyway fails
 * its hash).
 */
export async function writeFramed(path: string, magic: StoreMagic, frames: Iterable<unknown>): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = temporaryNameFor(path);
  try {
    const handle = await open(temporary, 'w');
    try {
      const hash = createHash('sha1');
      await handle.writeFile(magic.line);
      const writeFrame = async (body: Buffer): Promise<void> => {
        const length = Buffer.alloc(LENGTH_BYTES);
        length.writeUInt32LE(body.length, 0);
        hash.update(length).update(body);
        await handle.writeFile(length);
        if (body.length > 0) await handle.writeFile(body);
      };
      for (const frame of frames) await writeFrame(serialize(frame));
      await writeFrame(Buffer.alloc(0));
      await handle.writeFile(hash.digest());
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
