import { createHash, randomBytes, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { OutputFile, PlannedOutput } from '../pipeline.js';

export interface WriteReport {
  readonly written: string[];
  readonly unchanged: string[];
}

/** Chunks are gathered into writes of about this size. */
const WRITE_SIZE = 1 << 20;

/**
 * Writes each file atomically (a temporary file in the same directory, then a
 * rename), and only when its bytes changed, so a reader polling mid-build sees
 * either the old file or the new one, never half of one, and an unchanged
 * rebuild touches nothing. Content arrives in chunks and is never held whole,
 * so a file larger than memory would allow still writes.
 */
export async function writeOutputs(outDir: string, files: Iterable<PlannedOutput | OutputFile>): Promise<WriteReport> {
  const written: string[] = [];
  const unchanged: string[] = [];
  for (const file of files) {
    const target = join(outDir, file.path);
    await mkdir(dirname(target), { recursive: true });
    const temporary = `${target}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      const { size, digest } = await writeChunks(temporary, 'chunks' in file ? file.chunks : [file.content]);
      if (await hasContent(target, size, digest)) {
        await rm(temporary, { force: true });
        unchanged.push(file.path);
        continue;
      }
      await flushToDisk(temporary);
      await rename(temporary, target);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
    written.push(file.path);
  }
  return { written, unchanged };
}

/** Writes the chunks to `path`; returns the size and SHA-256 of what was written. */
async function writeChunks(path: string, chunks: Iterable<string>): Promise<{ size: number; digest: string }> {
  const handle = await open(path, 'w');
  const hash = createHash('sha256');
  let size = 0;
  try {
    let pending: string[] = [];
    let pendingLength = 0;
    const flush = async (): Promise<void> => {
      if (pending.length === 0) return;
      const bytes = Buffer.from(pending.join(''), 'utf8');
      pending = [];
      pendingLength = 0;
      hash.update(bytes);
      size += bytes.length;
      await handle.write(bytes);
    };
    for (const chunk of chunks) {
      pending.push(chunk);
      pendingLength += chunk.length;
      if (pendingLength >= WRITE_SIZE) await flush();
    }
    await flush();
  } finally {
    await handle.close();
  }
  return { size, digest: hash.digest('hex') };
}

/** Makes a new file durable before it replaces the old one, so a crash cannot leave an empty feed behind the rename. */
async function flushToDisk(path: string): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Whether the file at `path` exists with exactly this size and SHA-256. */
async function hasContent(path: string, size: number, digest: string): Promise<boolean> {
  const current = await stat(path).catch(() => undefined);
  if (!current?.isFile() || current.size !== size) return false;
  return (await digestOf(path, createHash('sha256'))) === digest;
}

async function digestOf(path: string, hash: Hash): Promise<string> {
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
