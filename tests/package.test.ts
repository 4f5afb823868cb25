/**
 * nashra as a site team installs it: the packed tarball, installed into a
 * project of its own, gives a working `npx nashra` (init, new, build,
 * --version) and a typed API, and ships no tests, sample posts or feeds.
 * The tarball is packed from a copy of the repository, through the real
 * `prepack` script, so the dist/ the other tests run is never rebuilt under them.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const REPO = resolve(import.meta.dirname, '..');
const LEFT_OUT = new Set(['node_modules', 'dist', '.git', 'feeds', 'test-artifacts', 'bench-corpus', '.nashra', '.tmp']);
const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string };

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

async function inProject(project: string, command: string, args: readonly string[]): Promise<Outcome> {
  try {
    const { stdout, stderr } = await run(command, args, { cwd: project, env: { ...process.env, NASHRA_LANG: 'en', npm_config_update_notifier: 'false' }, timeout: 180_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failure.code === 'number' ? failure.code : -1, stdout: failure.stdout ?? '', stderr: failure.stderr ?? '' };
  }
}

let tarball = '';
let project = '';
let packed: string[] = [];

beforeAll(async () => {
  const work = mkdtempSync(join(tmpdir(), 'nashra-pack-'));
  const copy = join(work, 'nashra');
  cpSync(REPO, copy, { recursive: true, filter: (source) => !LEFT_OUT.has(source.slice(REPO.length + 1).split('/')[0] ?? '') });
  symlinkSync(join(REPO, 'node_modules'), join(copy, 'node_modules'));
  const pack = await inProject(copy, 'npm', ['pack', '--json', '--pack-destination', work]);
  expect(pack.code, pack.stderr).toBe(0);
  const [result] = JSON.parse(pack.stdout.slice(pack.stdout.indexOf('['))) as { filename: string; files: { path: string }[] }[];
  tarball = join(work, result?.filename ?? '');
  packed = (result?.files ?? []).map((file) => file.path);
  project = join(work, 'site');
  cpSync(join(REPO, 'tests', 'fixtures', 'package-consumer'), project, { recursive: true });
  const install = await inProject(project, 'npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball]);
  expect(install.code, install.stderr).toBe(0);
}, 300_000);

describe('the packed package', () => {
  it('holds the compiled code and its type declarations, and no tests, posts, feeds or sources', () => {
    expect(packed).toContain('dist/cli.js');
    expect(packed).toContain('dist/index.js');
    expect(packed).toContain('dist/index.d.ts');
    expect(packed).toContain('dist/work/worker.js');
    expect(packed).toContain('schemas/json-feed-item-extension.json');
    const strays = packed.filter((path) => /^(tests|posts|feeds|src|scripts|bench-corpus|test-artifacts)\//.test(path) || path.endsWith('.map'));
    expect(strays).toEqual([]);
  });

  it('installs a nashra command that prints its version, starts a site, writes a draft pair and builds', async () => {
    expect((await inProject(project, 'npx', ['nashra', '--version'])).stdout.trim()).toBe(manifest.version);
    const init = await inProject(project, 'npx', ['nashra', 'init', '--time-zone', 'Asia/Amman', '--base-url', 'https://partner.example.net/']);
    expect(init.code, init.stderr).toBe(0);
    const draft = await inProject(project, 'npx', ['nashra', 'new', 'water-rights']);
    expect(draft.code, draft.stderr).toBe(0);
    expect(existsSync(join(project, 'posts', 'ar', 'water-rights.md'))).toBe(true);
    const built = await inProject(project, 'npx', ['nashra', 'build']);
    expect(built.code, built.stderr).toBe(0);
    expect(built.stdout).toMatch(/^en 1 post, ar 1 post \(held back: 2 drafts\);/);
    expect(readFileSync(join(project, 'feeds', 'en', 'rss.xml'), 'utf8')).toContain('https://partner.example.net/en/');
    expect(readdirSync(join(project, '.nashra'))).toContain('published.json');
  });

  it('is importable from a site\'s own script: build() returns the result as data', async () => {
    const api = await inProject(project, process.execPath, ['api.mjs']);
    expect(api.code, api.stderr).toBe(0);
    const result = JSON.parse(api.stdout) as { exitCode: number; posts: Record<string, number>; written: string[]; version: string };
    expect(result.exitCode).toBe(0);
    expect(result.posts).toEqual({ en: 1, ar: 1 });
    expect(result.written).toContain('en/feed.json');
    expect(result.version).toBe(manifest.version);
  });

  it('comes with types that a TypeScript consumer compiles against, and that refuse a wrong call', async () => {
    const tsc = join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');
    const flags = ['--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--types', 'node', '--typeRoots', join(REPO, 'node_modules', '@types')];
    const good = await inProject(project, process.execPath, [tsc, ...flags, 'typed.mts']);
    expect(good.code, good.stdout).toBe(0);
    writeFileSync(join(project, 'wrong.mts'), "import { build } from 'nashra';\nconst result = await build({ out: 42 });\nconst code: string = result.exitCode;\nconsole.log(code);\n");
    const wrong = await inProject(project, process.execPath, [tsc, ...flags, 'wrong.mts']);
    expect(wrong.code).not.toBe(0);
    expect(wrong.stdout).toMatch(/wrong\.mts\(2,\d+\): error TS2322/);
    expect(wrong.stdout).toMatch(/wrong\.mts\(3,\d+\): error TS2322/);
  });
});
