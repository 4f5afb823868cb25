/**
 * What a post file's path says of its post, read as Hugo and Jekyll read it.
 * Pure: paths in, names out.
 *
 * - Hugo's leaf bundle, `my-post/index.md`, is the post `my-post`; the other
 *   files in its folder are its resources, not posts. `_index.md` is a
 *   section's list page (a branch bundle), not a post.
 * - Jekyll's `_posts/2026-03-04-my-post.md` is the post `my-post` of
 *   2026-03-04 (with `content.fileNameDates`); its `_drafts/` are drafts.
 */
import { DateTime } from 'luxon';

export interface NameParts {
  /** The slug the post's URL uses when its front matter gives none. */
  readonly slug: string;
  /**
   * The name as written, a Jekyll date prefix included: what the default
   * item id is made from, so that turning `content.fileNameDates` on or off
   * never changes an article's id.
   */
  readonly name: string;
  /** The day a Jekyll file name starts with (`2026-03-04`), when `fileNameDates` is on. */
  readonly date?: string;
}

const POST_EXTENSION = /\.(md|markdown)$/i;
const BUNDLE_INDEX = /^index\.(md|markdown)$/i;
const BRANCH_INDEX = /^_index\.(md|markdown)$/i;
/** Jekyll's `YEAR-MONTH-DAY-title`. */
const DATED_NAME = /^(\d{4}-\d{2}-\d{2})-(.+)$/;

/** The slug, id name and file-name date of the post at `path` (in the folder of language `lang`). */
export function nameParts(path: string, lang: string, fileNameDates: boolean): NameParts {
  const segments = path.split(/[\\/]/);
  const file = segments.at(-1) ?? path;
  const folder = segments.at(-2);
  // A bundle's name is its folder's; an index.md right in the language's folder is simply "index".
  const name = BUNDLE_INDEX.test(file) && folder !== undefined && folder !== lang ? folder : file.replace(POST_EXTENSION, '');
  const dated = fileNameDates ? DATED_NAME.exec(name) : null;
  const day = dated?.[1];
  const rest = dated?.[2];
  if (day === undefined || rest === undefined || !DateTime.fromISO(day).isValid) return { slug: name, name };
  return { slug: rest, name, date: day };
}

/** Whether the post is in a Jekyll `_drafts` folder, which Jekyll publishes only when asked to show drafts. */
export function inDraftsFolder(path: string): boolean {
  return path.split(/[\\/]/).slice(0, -1).includes('_drafts');
}

/**
 * The names (relative to a language's folder) that are posts: not hidden,
 * not a section's `_index.md`, and not a file inside a leaf bundle other than its
 * `index.md`, since Hugo reads those as the bundle's resources. A name that
 * `published` says an earlier build published stays a post whatever its
 * place: reading folders as Hugo does must not withdraw an article.
 */
export function postNames(names: readonly string[], published: (name: string) => boolean = () => false): string[] {
  const bundles = new Set<string>();
  for (const name of names) {
    const segments = name.split(/[\\/]/);
    if (segments.length > 1 && BUNDLE_INDEX.test(segments.at(-1) ?? '')) bundles.add(segments.slice(0, -1).join('/'));
  }
  // `published` is asked only of the names folders alone would leave out: a caller may answer it lazily (see build.ts).
  return names.filter((name) => readAsPost(name, bundles) || published(name));
}

/**
 * Whether folders alone make `name` a post: not hidden, not a section's list
 * page, nor a resource of a bundle in `bundles`. A hidden file or folder
 * (`.name`) is left out as Jekyll leaves it out: editors leave lock and backup
 * files so (Emacs's `.#post.md`, a link to nowhere), and `...md` or `.md` would
 * make a URL that is another page's (`/en/posts/../`).
 */
function readAsPost(name: string, bundles: ReadonlySet<string>): boolean {
  const segments = name.split(/[\\/]/);
  const file = segments.at(-1) ?? name;
  if (BRANCH_INDEX.test(file) || segments.some((segment) => segment.startsWith('.'))) return false;
  const ownFolder = BUNDLE_INDEX.test(file) ? segments.length - 1 : segments.length;
  for (let length = 1; length < ownFolder; length++) if (bundles.has(segments.slice(0, length).join('/'))) return false;
  return true;
}
