import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { SourceFile } from './parsePost.js';

/**
 * Reads `<postsDir>/<lang>/**\/*.md`. The language is the first directory
 * under `postsDir`. Paths in diagnostics are relative to `cwd`.
 */
export async function readPostFiles(postsDir: string, cwd: string): Promise<SourceFile[]> {
  const entries = await readdir(postsDir, { withFileTypes: true });
  const files: SourceFile[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const lang = entry.name;
    const names = await readdir(join(postsDir, lang), { recursive: true });
    for (const name of names.filter((n) => /\.(md|markdown)$/i.test(n)).sort()) {
      const absolute = join(postsDir, lang, name);
      files.push({ path: relative(cwd, absolute) || absolute, lang, text: await readFile(absolute, 'utf8') });
    }
  }
  return files;
}
