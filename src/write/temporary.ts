import { randomBytes } from 'node:crypto';

/** A temporary file's name: its target's, a random part, `.tmp`. Anything matching is the writer's own, never a published file. */
const TEMPORARY = /\.[0-9a-f]{12}\.tmp$/;

export function temporaryNameFor(target: string): string {
  return `${target}.${randomBytes(6).toString('hex')}.tmp`;
}

export function isTemporaryFile(name: string): boolean {
  return TEMPORARY.test(name);
}
