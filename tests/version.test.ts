/**
 * What stored results (feeds kept by fingerprint, the load cache) are
 * matched against: a digest of nashra's own code, so any change to it (an
 * i18n string, a serialiser, a library upgrade) makes everything anew.
 */
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fingerprintOfCode } from '../src/version.js';
import { ROOT } from './support/site.js';

/** A copy of nashra's package manifest and sources, to change. */
async function copyOfNashra(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'nashra-code-'));
  await cp(join(ROOT, 'src'), join(dir, 'src'), { recursive: true });
  await writeFile(join(dir, 'package.json'), await readFile(join(ROOT, 'package.json')));
  return dir;
}

describe('the code fingerprint', () => {
  it('is the same for the same code', async () => {
    const [a, b] = [await copyOfNashra(), await copyOfNashra()];
    expect(fingerprintOfCode(join(a, 'src'))).toBe(fingerprintOfCode(join(b, 'src')));
  });

  it('changes when an interface string changes, as when any module does', async () => {
    const dir = await copyOfNashra();
    const before = fingerprintOfCode(join(dir, 'src'));
    const resources = join(dir, 'src/i18n/resources.ts');
    await writeFile(resources, (await readFile(resources, 'utf8')).replace('minute', 'minutes'));
    expect(fingerprintOfCode(join(dir, 'src'))).not.toBe(before);
  });

  it('changes when a library is upgraded', async () => {
    const dir = await copyOfNashra();
    const before = fingerprintOfCode(join(dir, 'src'));
    // A package of the manifest installed beside the copy shadows the one above it, as an upgrade would.
    const manifest = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const name = Object.keys(manifest.dependencies).sort()[0] ?? '';
    await cp(join(ROOT, 'node_modules', name), join(dir, 'node_modules', name), { recursive: true });
    const packageFile = join(dir, 'node_modules', name, 'package.json');
    const installed = JSON.parse(await readFile(packageFile, 'utf8')) as { version: string };
    await writeFile(packageFile, JSON.stringify({ ...installed, version: `${installed.version}-upgraded` }));
    expect(fingerprintOfCode(join(dir, 'src'))).not.toBe(before);
  });
});
