/**
 * RFC 4287's own RELAX NG schema (tests/schemas/atom.rnc, Appendix B of the RFC)
 * applied by jing, Debian's RELAX NG validator, which reads the compact syntax directly.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './site.js';

const ATOM_SCHEMA = join(ROOT, 'tests/schemas/atom.rnc');

/** jing's complaints about each file, keyed by the path given; a valid file has none. */
export function atomSchemaErrors(files: readonly string[]): Map<string, string[]> {
  const errors = new Map<string, string[]>(files.map((file) => [file, []]));
  if (files.length === 0) return errors;
  // One JVM for all files: jing names the file at the start of every error line.
  const run = spawnSync('jing', ['-c', ATOM_SCHEMA, ...files], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.error) throw run.error;
  for (const line of run.stdout.split('\n').filter((text) => text.trim() !== '')) {
    const file = files.find((candidate) => line.startsWith(`${candidate}:`));
    if (!file) throw new Error(`jing said something about no file given: ${line}`);
    errors.get(file)?.push(line.slice(file.length + 1));
  }
  if (run.status !== 0 && [...errors.values()].every((list) => list.length === 0)) throw new Error(`jing exited ${run.status}: ${run.stderr}`);
  return errors;
}
