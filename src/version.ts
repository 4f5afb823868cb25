/**
 * Which build of nashra is running, as a digest of its own code: what a
 * stored result made by this code (a feed written from a fingerprint, a
 * cache entry) must match to be reused. The package version alone would miss
 * a change made without a release, so the modules themselves are hashed, with
 * the versions of the libraries they use and of Node; this costs a few
 * milliseconds once per process.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CODE = /\.(js|ts)$/;
let memo: string | undefined;

export function codeFingerprint(): string {
  memo ??= fingerprintOfCode(dirname(fileURLToPath(import.meta.url)));
  return memo;
}

/** The fingerprint of the modules under `root` (nashra's `src/` or `dist/`), whose parent holds the package manifest. */
export function fingerprintOfCode(root: string): string {
  return createHash('sha256').update(digestOfModules(root)).update(libraryVersions(dirname(root))).update(process.version).digest('base64url');
}

/** The installed version of every dependency in the package's manifest. */
function libraryVersions(packageRoot: string): string {
  const manifest = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  return Object.keys(manifest.dependencies ?? {})
    .sort()
    .map((name) => `${name}@${installedVersion(packageRoot, name)}`)
    .join('\n');
}

/** A package's version, found where Node finds packages: in `node_modules` here or in a folder above. */
function installedVersion(from: string, name: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, 'node_modules', name, 'package.json');
    if (existsSync(manifest)) return (JSON.parse(readFileSync(manifest, 'utf8')) as { version?: string }).version ?? '?';
    if (dirname(dir) === dir) return 'missing';
  }
}

function digestOfModules(root: string): string {
  const hash = createHash('sha256');
  const names = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((name) => CODE.test(name) && !name.endsWith('.d.ts')).sort();
  for (const name of names) hash.update(name).update('\0').update(readFileSync(join(root, name))).update('\0');
  return hash.digest('base64url');
}

/** nashra's release, from its package manifest beside `src/` or `dist/`. */
export function packageVersion(): string {
  const manifest = join(dirname(dirname(fileURLToPath(import.meta.url))), 'package.json');
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version?: string }).version ?? '0.0.0';
}
