/**
 * Every temporary folder of a test run in one, removed when the run ends.
 * The tests make thousands (sites, outputs, state directories, browser
 * profiles); left in the system's folder, a day of runs filled 16 GB of it.
 * Set NASHRA_KEEP_TEST_FILES to keep them for a look after a failure.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'nashra-test-run-'));
  // Read by os.tmpdir() in the test processes (started after this) and in every process they start.
  process.env.TMPDIR = root;
  return () => {
    if (process.env.NASHRA_KEEP_TEST_FILES) {
      console.log(`the test run's files are kept in ${root}`);
      return;
    }
    try {
      rmSync(root, { recursive: true, force: true });
    } catch (error) {
      // A folder a failed test left mounted, say: the run's result stands, and the folder says where it is.
      console.warn(`could not remove ${root}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
}
