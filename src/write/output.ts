import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { OutputFile } from '../pipeline.js';

export interface WriteReport {
  readonly written: string[];
  readonly unchanged: string[];
}

/**
 * Writes each file atomically (a temporary file in the same directory, then a
 * rename), and only when its bytes changed, so a reader polling mid-build sees
 * either the old file or the new one, never half of one, and an unchanged
 * rebuild touches nothing.
 */
export async function writeOutputs(outDir: string, files: Iterable<OutputFile>): Promise<WriteReport> {
  const written: string[] = [];
  const unchanged: string[] = [];
  for (const file of files) {
    const target = join(outDir, file.path);
    const bytes = Buffer.from(file.content, 'utf8');
    const current = await readFile(target).catch(() => undefined);
    if (current && current.equals(bytes)) {
      unchanged.push(file.path);
      continue;
    }
    await mkdir(dirname(target), { recursive: true });
    const temporary = `${target}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await writeFile(temporary, bytes, { flush: true });
      await rename(temporary, target);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
    written.push(file.path);
  }
  return { written, unchanged };
}
