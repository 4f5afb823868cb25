import { realpath, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';

export type Located =
  | { readonly kind: 'file'; readonly path: string; readonly name: string }
  | { readonly kind: 'redirect'; readonly location: string }
  | { readonly kind: 'missing'; readonly problem?: string };

const INDEX = 'index.html';
const MISSING: Located = { kind: 'missing' };

/** Whether `path` is `root` or inside it (both real, absolute paths). */
export function isWithin(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : `${root}${sep}`);
}

async function realOrUndefined(path: string): Promise<string | undefined> {
  return realpath(path).catch(() => undefined);
}

/**
 * Finds the file a request names under `root`, following symbolic links only
 * while they stay inside the root's real path. A directory stands for its
 * index.html (a request without the trailing slash is redirected, so the
 * page's relative links work); a directory without one is missing: no
 * listings.
 */
export async function locate(root: string, segments: readonly string[], trailingSlash: boolean): Promise<Located> {
  let realRoot: string;
  try {
    realRoot = await realpath(root);
  } catch (error) {
    return { kind: 'missing', problem: `cannot read the served directory ${root}: ${(error as NodeJS.ErrnoException).code ?? String(error)}` };
  }
  const candidate = resolve(realRoot, ...segments);
  if (!isWithin(realRoot, candidate)) return MISSING;
  const real = await realOrUndefined(candidate);
  if (real === undefined || !isWithin(realRoot, real)) return MISSING;
  const stats = await stat(real).catch(() => undefined);
  if (stats === undefined) return MISSING;
  if (stats.isDirectory()) {
    const index = await realOrUndefined(join(real, INDEX));
    if (index === undefined || !isWithin(realRoot, index)) return MISSING;
    if (!trailingSlash) return { kind: 'redirect', location: `/${segments.map(encodeURIComponent).join('/')}/` };
    return { kind: 'file', path: index, name: INDEX };
  }
  if (trailingSlash) return MISSING;
  return { kind: 'file', path: real, name: segments.at(-1) ?? INDEX };
}
