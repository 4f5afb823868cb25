/**
 * Writes starter files without ever replacing one: every path is checked
 * first and each file is created exclusively, so `init` or `new` run twice,
 * or over an existing site, changes nothing and says which files are in the
 * way.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { StarterFile } from './starter.js';

export class FilesInTheWay extends Error {
  constructor(readonly paths: readonly string[]) {
    super(`${paths.join(', ')} already ${paths.length === 1 ? 'exists' : 'exist'}; nothing was written`);
  }
}

/** Writes `files` under `root`, returning the paths written or extended; throws FilesInTheWay before writing anything. */
export async function writeStarterFiles(root: string, files: readonly StarterFile[]): Promise<string[]> {
  const inTheWay = files.filter((file) => !file.mergeLines && existsSync(join(root, file.path))).map((file) => file.path);
  if (inTheWay.length > 0) throw new FilesInTheWay(inTheWay);
  const written: string[] = [];
  try {
    for (const file of files) {
      const path = join(root, file.path);
      await mkdir(dirname(path), { recursive: true });
      if (file.mergeLines && existsSync(path)) {
        if (await mergeLines(path, file.text)) written.push(file.path);
        continue;
      }
      await writeFile(path, file.text, { flag: 'wx' });
      written.push(file.path);
    }
  } catch (error) {
    // A file created meanwhile by someone else: take back what this call created, so it is all or nothing.
    await Promise.all(written.filter((path) => !files.find((file) => file.path === path)?.mergeLines).map((path) => rm(join(root, path), { force: true })));
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new FilesInTheWay([(error as NodeJS.ErrnoException).path ?? '?']);
    throw error;
  }
  return written;
}

/** Adds the lines of `text` that the file lacks; whether it changed. */
async function mergeLines(path: string, text: string): Promise<boolean> {
  const existing = await readFile(path, 'utf8');
  const present = new Set(existing.split(/\r?\n/).map((line) => line.trim()));
  const missing = text.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#') && !present.has(line.trim()));
  if (missing.length === 0) return false;
  await writeFile(path, `${existing}${existing === '' || existing.endsWith('\n') ? '' : '\n'}${missing.join('\n')}\n`);
  return true;
}
