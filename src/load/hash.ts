import { createHash } from 'node:crypto';

/** Identifies the exact text a post was loaded from. In a module of its own, so what only checks texts (the state directory) does not load the parser. */
export function sourceHash(text: string): string {
  return createHash('sha1').update(text).digest('base64');
}
