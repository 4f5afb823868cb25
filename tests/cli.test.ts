/** The command line: documented exit codes, one summary line, nothing written by `check`. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Daemon } from './support/daemon.js';
import { CLI, installedCli, listFiles, mainOutputs, post, runCli, siteOnDisk } from './support/site.js';

const MAIN_OUTPUTS = mainOutputs({ en: ['one', 'two'], ar: ['one'] });

const goodSite = () =>
  siteOnDisk({
    'en/one.md': post('title: One\ndate: 2026-01-01\ntranslationKey: one\ntags: [a]'),
    'ar/one.md': post('title: واحد\ndate: 2026-01-01\ntranslationKey: one\ntags: [أ]'),
    'en/two.md': post('title: Two\ndate: 2026-01-02\ntags: [a]'),
  });

describe('a reader that stops reading (`nashra status | head -1`, `nashra build 2>&1 | head -1`)', () => {
  it('leaves each command to end as it would have, with its own exit code and no stack trace', async () => {
    const site = await goodSite();
    // `true` exits at once, before Node has started: every write meets a closed pipe.
    const piped = (args: string) => spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" "${CLI}" ${args} | true`], { cwd: site, encoding: 'utf8', env: { ...process.env, NASHRA_LANG: 'en' } });
    for (const args of ['--help', 'build --now 2026-06-01', 'status', 'build --now 2026-06-01 --timings 2>&1 >/dev/null']) {
      const run = piped(args);
      expect(run.stderr, args).toBe('');
      expect(run.status, args).toBe(0);
    }
    expect(await listFiles(join(site, 'feeds'))).toEqual(MAIN_OUTPUTS);
  });
});

describe('nashra build', () => {
  it('writes the six feeds and the site files, and ends with one summary line', async () => {
    const site = await goodSite();
    const run = await runCli(['build', '--now', '2026-06-01'], site);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(new RegExp(`^en 2 posts, ar 1 post; ${MAIN_OUTPUTS.length} files written, 0 unchanged; 0 skipped; \\d+\\.\\d\\d s\\n$`));
    expect(await listFiles(join(site, 'feeds'))).toEqual(MAIN_OUTPUTS);
    const again = await runCli(['build', '--now', '2026-06-01'], site);
    expect(again.stdout).toContain(`0 files written, ${MAIN_OUTPUTS.length} unchanged`);
  });

  it('speaks Arabic, with Arabic plurals, when asked', async () => {
    const site = await goodSite();
    const run = await runCli(['build', '--now', '2026-06-01'], site, { NASHRA_LANG: 'ar' });
    expect(run.stdout).toContain('en مقالان، ar مقال واحد');
  });

  it('says with --timings how long each stage took, on standard error; a build that reuses its output is all loading', async () => {
    const site = await goodSite();
    const stage = (name: string) => `${name} (\\d+\\.\\d\\d) s`;
    const run = await runCli(['build', '--now', '2026-06-01', '--timings'], site);
    expect(run.code).toBe(0);
    const split = new RegExp(`^time by stage: ${['loading and planning', 'related articles', 'full texts', 'composing and writing'].map(stage).join(', ')}\\n$`).exec(run.stderr);
    expect(split, run.stderr).not.toBeNull();
    const total = Number(/(\d+\.\d\d) s\n$/.exec(run.stdout)?.[1]);
    // In hundredths, as printed: each figure is rounded to 0.01 s, the total too, so each may be half a hundredth off.
    const stages = (split ?? []).slice(1).map(Number);
    const hundredths = stages.reduce((sum, seconds) => sum + Math.round(seconds * 100), 0);
    expect(hundredths).toBeLessThanOrEqual(Math.round(total * 100) + Math.ceil((stages.length + 1) / 2));
    const again = await runCli(['build', '--now', '2026-06-01', '--timings'], site);
    expect(again.stderr).toMatch(/^time by stage: loading and planning \d+\.\d\d s\n$/);
    const arabic = await runCli(['build', '--now', '2026-06-01', '--timings'], site, { NASHRA_LANG: 'ar' });
    expect(arabic.stderr).toMatch(/^الوقت حسب المرحلة: التحميل والتخطيط [\d.]+ ث\n$/);
  });

  it('honours --config, --posts and --out', async () => {
    const site = await goodSite();
    const run = await runCli(['build', '--config', join(site, 'nashra.config.yaml'), '--posts', join(site, 'posts'), '--out', join(site, 'public/feeds')], '/');
    expect(run.code).toBe(0);
    expect(await listFiles(join(site, 'public/feeds'))).toEqual(MAIN_OUTPUTS);
  });
});

describe('the nashra command, as npm installs it', () => {
  /** Runs the compiled CLI as an installed bin runs; says what glibc setting Node started with. */
  async function startedWith(args: string[], threshold: string | undefined): Promise<{ code: number | null; seen: string }> {
    const cli = installedCli();
    const probe = join(await mkdtemp(join(tmpdir(), 'nashra-bin-')), 'probe.mjs');
    await writeFile(probe, "process.on('exit', () => process.stderr.write(`threshold ${process.env.MALLOC_MMAP_THRESHOLD_}\\n`));\n");
    const env: NodeJS.ProcessEnv = { ...cli.env, NODE_OPTIONS: `--import ${probe}` };
    if (threshold === undefined) delete env.MALLOC_MMAP_THRESHOLD_;
    else env.MALLOC_MMAP_THRESHOLD_ = threshold;
    const run = spawnSync(cli.path, args, { env, encoding: 'utf8' });
    return { code: run.status, seen: /threshold (\S+)/.exec(run.stderr)?.[1] ?? run.stderr };
  }

  it("starts the daemon with glibc's mmap threshold fixed at 128 kB, so that the blocks it frees go back to the system", async () => {
    expect(await startedWith(['schedule', '--help'], undefined)).toEqual({ code: 0, seen: '131072' });
  });

  it('keeps a threshold the user set', async () => {
    expect(await startedWith(['schedule', '--help'], '65536')).toEqual({ code: 0, seen: '65536' });
  });

  it('runs the daemon as Node itself, which a SIGTERM stops as it stops it when started by node', async () => {
    const site = await goodSite();
    const daemon = new Daemon(site, [], { asInstalled: true });
    try {
      await daemon.waitFor((line) => line.event === 'build' && line.reason === 'start', 30_000);
      // sh gave its process to Node (exec): the signal a service manager sends reaches the daemon, not a shell.
      expect(readFileSync(`/proc/${daemon.pid}/comm`, 'utf8').trim()).toBe('node');
      expect(readFileSync(`/proc/${daemon.pid}/environ`, 'utf8').split('\0')).toContain('MALLOC_MMAP_THRESHOLD_=131072');
    } finally {
      daemon.signal('SIGTERM');
    }
    expect(await daemon.exited).toBe(0);
  }, 60_000);

  it('starts a build with the threshold fixed at 1 MB, so that a rebuild of a large archive stays within its memory', async () => {
    expect(await startedWith(['build', '--help'], undefined)).toEqual({ code: 0, seen: '1048576' });
    expect(await startedWith(['build', '--help'], '65536')).toEqual({ code: 0, seen: '65536' });
  });

  it("leaves the other commands to glibc's own threshold", async () => {
    expect(await startedWith(['--version'], undefined)).toEqual({ code: 0, seen: 'undefined' });
  });
});

describe('nashra check', () => {
  it('validates and writes nothing', async () => {
    const site = await goodSite();
    const run = await runCli(['check'], site);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('3 posts checked; 0 errors, 0 warnings\n');
    expect(await listFiles(join(site, 'feeds'))).toEqual([]);
  });
});

describe('exit codes', () => {
  it('is 0 for --help, which documents the exit codes', async () => {
    const run = await runCli(['--help'], '/');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Exit codes:');
    expect((await runCli(['build', '--help'], '/')).stdout).toContain('--strict');
  });

  it('is 2 for a usage mistake or a missing or invalid config', async () => {
    const site = await goodSite();
    expect((await runCli(['publish'], site)).code).toBe(2);
    expect((await runCli(['build', '--now', 'yesterday'], site)).code).toBe(2);
    const missing = await runCli(['build', '--config', 'nope.yaml'], site);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no config nope.yaml: run "nashra init" to start a site here');
    const invalid = await siteOnDisk({}, { baseUrl: 'not a url', languages: {} });
    const run = await runCli(['build'], invalid);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^nashra\.config\.yaml:\d+:\d+ error baseUrl must be an absolute http\(s\) URL \[baseUrl\]$/m);
  });
});
