/**
 * The full texts a build rendered or kept, stored in the state directory
 * for the next build: a build after an edit renders the texts of the feeds
 * the edit reaches, not the fifty of each such feed again. A text is as
 * good as rendering again while the post file's text, its page URL and the
 * limits are the same (see `remembered.ts`), and the store is read only
 * when written for the same config and nashra; a cut or damaged one is
 * ignored, said, and rewritten.
 *
 * One file, `cache/bodies.v8`, a store of frames (see `state/framed.ts`):
 * the key, then the texts a hundred at a time.
 */
import { join } from 'node:path';
import type { Message } from '../i18n/message.js';
import { openStore, storeMagic, writeFramed, type FrameReader } from '../state/framed.js';
import type { Rendered } from './article.js';
import { RenderedBodies } from './remembered.js';

/** Raise when a stored text's shape or meaning changes. */
const BODIES_FORMAT = 1;
const MAGIC = storeMagic('nashra rendered bodies', BODIES_FORMAT);
const TEXTS_PER_FRAME = 100;
export const BODIES_FILE = join('cache', 'bodies.v8');

type StoredText = [key: string, rendered: Rendered];

export interface OpenedBodies {
  readonly bodies: RenderedBodies;
  /** Why a store that exists could not be used; the build renders what it needs. */
  readonly problem?: Message;
}

/** The texts stored for `key` (the load cache's: config and nashra); none when there is no such store. */
export function openRenderedBodies(stateDir: string, key: string): OpenedBodies {
  const { value, problem } = openStore(join(stateDir, BODIES_FILE), (reader) => readTexts(reader, key), { damaged: 'diagnostics.state.bodiesDamaged', unreadable: 'diagnostics.state.bodiesUnreadable' });
  return { bodies: new RenderedBodies(value), ...(problem ? { problem } : {}) };
}

function readTexts(reader: FrameReader, key: string): StoredText[] | 'other' | 'damaged' {
  const opens = reader.opens(MAGIC);
  if (opens !== 'same') return opens;
  const head = reader.next<{ key: string }>((value) => typeof value.key === 'string');
  if (head === undefined || head === 'end') return 'damaged';
  if (head.key !== key) return 'other';
  const texts: StoredText[] = [];
  for (;;) {
    const frame = reader.next<StoredText[]>((value) => Array.isArray(value) && value.every(isStoredText));
    if (frame === 'end') break;
    if (!frame) return 'damaged';
    texts.push(...frame);
  }
  return reader.endsWell() ? texts : 'damaged';
}

function isStoredText(value: unknown): value is StoredText {
  if (!Array.isArray(value) || typeof value[0] !== 'string') return false;
  const rendered = value[1] as Partial<Rendered> | null;
  return typeof rendered?.html === 'string' && Array.isArray(rendered.warnings);
}

/** Stores the texts of the build just made, when they differ from those it started with (`always`: in any case). */
export async function saveRenderedBodies(stateDir: string, bodies: RenderedBodies, key: string, { always = false } = {}): Promise<void> {
  if (!bodies.changed && !always) return;
  await writeFramed(join(stateDir, BODIES_FILE), MAGIC, frames(bodies, key));
}

function* frames(bodies: RenderedBodies, key: string): Generator<{ key: string } | StoredText[]> {
  yield { key };
  let frame: StoredText[] = [];
  for (const text of bodies.texts()) {
    frame.push(text);
    if (frame.length < TEXTS_PER_FRAME) continue;
    yield frame;
    frame = [];
  }
  if (frame.length > 0) yield frame;
}
