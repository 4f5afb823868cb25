import { message } from '../i18n/message.js';
import type { BodyOf, Post } from '../model.js';
import { sourceHash } from './hash.js';
import { postBody } from './parsePost.js';
import { SourceChangedError, type PostSource } from './source.js';

/**
 * Reads bodies back from the source, refusing a file that is no longer the
 * text its post was loaded from. A post kept in its last published version
 * (its file broke) is read from `stored`, by the hash of that version.
 */
export function bodyReader(source: PostSource, stored: (hash: string) => string | undefined = () => undefined): BodyOf {
  return (post: Post): string => {
    let text: string | undefined;
    let problem: string | undefined;
    try {
      text = source.read(post.sourcePath);
    } catch (error) {
      if (error instanceof SourceChangedError) throw error;
      problem = (error as NodeJS.ErrnoException).code ?? String(error);
    }
    if (text === undefined || sourceHash(text) !== post.sourceHash) text = stored(post.sourceHash);
    if (text === undefined || sourceHash(text) !== post.sourceHash) throw new SourceChangedError(post.sourcePath, problem ?? message('errors.sourceOther'));
    return postBody(text);
  };
}
