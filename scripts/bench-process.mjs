// One measured child process for the benchmarks: wall time from here, peak RSS and CPU time (user +
// system, which other processes on the machine inflate less than wall time) from GNU time
// (/usr/bin/time -f '%e %M %U %S') when it works, else (for node commands only) from a small
// wrapper that imports the script and reports process.resourceUsage() on exit. Node built-ins only.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const TIME_FORMAT = '%e %M %U %S';

/**
 * The CLI run as an installed `nashra` runs: by its first line, which is sh for a CLI that starts
 * Node with settings of its own (see the top of src/cli.ts), with this Node first on the PATH. An
 * older CLI (`--dist`), whose first line names node, runs on this Node.
 */
export function asInstalled(cli, args) {
  const firstLine = readFileSync(cli, 'utf8').split('\n', 1)[0];
  const command = firstLine === '#!/bin/sh' ? '/bin/sh' : process.execPath;
  return { command, args: [cli, ...args], env: { ...process.env, PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}` } };
}

/** Whether /usr/bin/time -f '%e %M %U %S' runs and writes what we parse. */
export function gnuTimeWorks() {
  if (!existsSync('/usr/bin/time')) return false;
  const dir = mkdtempSync(join(tmpdir(), 'nashra-bench-probe-'));
  try {
    const file = join(dir, 'time.txt');
    const probe = spawnSync('/usr/bin/time', ['-f', TIME_FORMAT, '-o', file, 'true']);
    return probe.status === 0 && /^\d+(\.\d+)? \d+ \d+(\.\d+)? \d+(\.\d+)?\s*$/.test(readFileSync(file, 'utf8'));
  } catch {
    return false;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Runs in place of `node SCRIPT ...`: makes process.argv look like a direct run, imports the
 * script (which runs on import), and writes `peak RSS in KiB, CPU seconds` to NASHRA_BENCH_RSS on exit.
 */
const wrapper = (script) => `
import { writeFileSync } from 'node:fs';
const [script, ...rest] = process.argv.slice(1);
process.argv = [process.argv[0], script, ...rest];
process.on('exit', () => {
  const usage = process.resourceUsage();
  writeFileSync(process.env.NASHRA_BENCH_RSS, usage.maxRSS + ' ' + (usage.userCPUTime + usage.systemCPUTime) / 1e6);
});
await import(${JSON.stringify(pathToFileURL(script).href)});
`;

/** The running child, so that Ctrl-C or a kill of the benchmark takes it along. */
let current;
export function killCurrent() {
  current?.kill('SIGKILL');
}

/**
 * Runs `command args` (a node script when `nodeScript` is set: command is then the script's path)
 * and resolves with its exit code, wall seconds, peak RSS in KiB and CPU seconds (NaN when unknown),
 * stdout and stderr. CPU time counts every thread of the process.
 */
export function measuredRun({ command, args, nodeScript = false, rssMethod, cwd, env = {} }) {
  const scratch = mkdtempSync(join(tmpdir(), 'nashra-bench-rss-'));
  const measure = join(scratch, 'peak-rss.txt');
  const [program, programArgs] = nodeScript ? [process.execPath, [command, ...args]] : [command, args];
  let spawnCommand = program;
  let spawnArgs = programArgs;
  if (rssMethod === 'time') {
    spawnCommand = '/usr/bin/time';
    spawnArgs = ['-f', TIME_FORMAT, '-o', measure, program, ...programArgs];
  } else if (nodeScript) {
    spawnArgs = ['--input-type=module', '-e', wrapper(command), command, ...args];
  }
  return new Promise((resolvePromise, reject) => {
    const started = performance.now();
    const child = spawn(spawnCommand, spawnArgs, { cwd, env: { ...process.env, ...env, NASHRA_BENCH_RSS: measure }, stdio: ['ignore', 'pipe', 'pipe'] });
    current = child;
    const stdout = [];
    const stderr = [];
    child.stdout.on('data', (chunk) => stdout.push(chunk));
    child.stderr.on('data', (chunk) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      current = undefined;
      const seconds = (performance.now() - started) / 1000;
      let rssKiB = NaN;
      let cpuSeconds = NaN;
      try {
        const fields = readFileSync(measure, 'utf8').trim().split(/\s+/).map(Number);
        if (rssMethod === 'time') [, rssKiB, cpuSeconds] = [fields[0], fields[1], fields[2] + fields[3]];
        else [rssKiB, cpuSeconds] = fields;
      } catch {
        // reported as n/a
      }
      rmSync(scratch, { recursive: true, force: true });
      resolvePromise({ code, seconds, rssKiB, cpuSeconds, stdout: Buffer.concat(stdout).toString('utf8').trim(), stderr: Buffer.concat(stderr).toString('utf8') });
    });
  });
}

export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
