/**
 * The path of a request target as a list of decoded segments, or the reason it
 * is refused. Pure: nothing here touches the disk, so every spelling of a
 * traversal is settled before a file name is built.
 */
import { isTemporaryFile } from '../write/temporary.js';

const LEGACY_STATUS_FILE = 'status.json';

export type RequestPath =
  | { readonly kind: 'path'; readonly segments: readonly string[]; readonly trailingSlash: boolean }
  | { readonly kind: 'refused'; readonly status: 400 | 404; readonly reason: string };

/**
 * Characters no served name may contain once decoded: separators of any
 * platform, `%` (what is left of a double encoding such as `%252e`), NUL and
 * the other controls.
 */
const FORBIDDEN_IN_NAME = /[/\\%\u0000-\u001f\u007f]/;

function refuse(reason: string, status: 400 | 404 = 400): RequestPath {
  return { kind: 'refused', status, reason };
}

/**
 * Parses an origin-form request target such as `/ar/feed.json?x=1`. The query
 * is ignored; empty segments (`//`) are skipped; each segment is decoded once
 * and must then be a plain name: not `.` or `..`, no separator, no `%`, no
 * control character. Hidden names (a leading dot), the writer's temporary
 * files, lock files and a status file at the root are not served.
 */
export function parseRequestPath(target: string | undefined): RequestPath {
  if (target === undefined || !target.startsWith('/')) return refuse('not an origin-form path');
  const end = target.search(/[?#]/);
  const raw = end === -1 ? target : target.slice(0, end);
  if (raw.includes('\\')) return refuse('backslash in path');
  const segments: string[] = [];
  for (const part of raw.split('/')) {
    if (part === '') continue;
    let name: string;
    try {
      name = decodeURIComponent(part);
    } catch {
      return refuse('malformed percent-encoding');
    }
    if (name === '.' || name === '..') return refuse('dot segment');
    if (FORBIDDEN_IN_NAME.test(name)) return refuse('forbidden character in a path segment');
    if (name.startsWith('.')) return refuse('hidden file', 404);
    // A file being written, or left by a killed build: never a published file.
    if (isTemporaryFile(name)) return refuse('temporary file', 404);
    if (name.endsWith('.lock')) return refuse('lock file', 404);
    segments.push(name);
  }
  // Where versions before the state directory kept the daemon's status (pid, paths, errors).
  if (segments.length === 1 && segments[0] === LEGACY_STATUS_FILE) return refuse('status file', 404);
  return { kind: 'path', segments, trailingSlash: raw.endsWith('/') };
}
