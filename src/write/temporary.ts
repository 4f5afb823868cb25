import { randomBytes } from 'node:crypto';

/** A temporary file's name: its target's, a random part, `.tmp`. Anything matching is the writer's own, never a published file. */
const TEMPORARY = /\.[0-9a-f]{12}\.tmp$/;

export function temporaryNameFor(target: string): string {
  return `${target}.${randomPart()}.tmp`;
}

export function isTemporaryFile(name: string): boolean {
  return TEMPORARY.test(name);
}

/** The file a temporary file was to become: what a failure to write it names. */
export function targetOfTemporary(name: string): string {
  return name.replace(TEMPORARY, '');
}

/** Random names drawn from one block: a call to the system's generator costs about 17 µs, and a first build names 20,000 files at 5,000 articles. */
const NAMES_PER_BLOCK = 4096;
const BYTES_PER_NAME = 6;
let block = Buffer.alloc(0);
let taken = 0;

/** Twelve random hexadecimal digits, for names that must not collide with another process's. */
export function randomPart(): string {
  if (taken + BYTES_PER_NAME > block.length) {
    block = randomBytes(NAMES_PER_BLOCK * BYTES_PER_NAME);
    taken = 0;
  }
  taken += BYTES_PER_NAME;
  return block.toString('hex', taken - BYTES_PER_NAME, taken);
}
