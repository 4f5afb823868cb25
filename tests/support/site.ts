/** Helpers to build sites in tests: in memory through the pure pipeline, or on disk through the real CLI. */
import { execFile } from 'node:child_process';
import { chmodSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { mkdtemp, mkdir, readFile, writeFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { parseConfig, type SiteConfig } from '../../src/config.js';
import { readPostFiles } from '../../src/load/readPosts.js';
import { staticFolder } from '../../src/media/staticFolder.js';
import type { SourceFile } from '../../src/load/parsePost.js';
import { buildSite, type BuildResult } from '../../src/pipeline.js';
import { recordPaths } from '../../src/state/published.js';

/** The six main feeds of a two-language site. */
export const MAIN_FEEDS = ['ar/atom.xml', 'ar/feed.json', 'ar/rss.xml', 'en/atom.xml', 'en/feed.json', 'en/rss.xml'];
/** The JSON Schemas every build publishes. */
export const SCHEMA_FILES = ['schemas/changes.json', 'schemas/json-feed-extension.json', 'schemas/json-feed-item-extension.json', 'schemas/related-article.json', 'schemas/related-index.json', 'schemas/related-whole-file.json'];
/** Site-wide files written with the feeds. */
export const SITE_FILES = ['feed.xsl', 'index.html', 'opml.xml', ...SCHEMA_FILES];
/** The feeds' HTML pages (site/feedPage.ts). */
export const FEED_PAGES = ['ar/index.html', 'en/index.html'];

/** Everything a two-language site without categories writes, given the slugs of its published articles per language. */
export function mainOutputs(slugs: { readonly en?: readonly string[]; readonly ar?: readonly string[] }): string[] {
  const related = (['ar', 'en'] as const).flatMap((lang) => [...(slugs[lang] ?? []).map((slug) => `${lang}/related/${slug}.json`), `${lang}/related/index.json`]);
  return [...MAIN_FEEDS, ...FEED_PAGES, 'ar/changes.json', 'en/changes.json', ...related, ...SITE_FILES].sort();
}

export const ROOT = resolve(import.meta.dirname, '../..');

/** How the state directory names the files of a site's `posts/` folder listed from the site's folder (`posts/en/x.md`), as the in-memory sources of tests name them. */
export const NAMED_FROM_SITE = recordPaths('posts', resolve(tmpdir(), 'site'));
export const CLI = join(ROOT, 'dist/cli.js');

/**
 * The compiled CLI as npm installs a package's bin: executable, so that the
 * system runs it by its first line (the launcher at the top of src/cli.ts),
 * with an environment that finds this Node first on the PATH.
 */
export function installedCli(): { readonly path: string; readonly env: NodeJS.ProcessEnv } {
  chmodSync(CLI, 0o755);
  return { path: CLI, env: { ...process.env, PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}` } };
}

export async function projectConfig(): Promise<SiteConfig> {
  const { config, diagnostics } = parseConfig(await readFile(join(ROOT, 'nashra.config.yaml'), 'utf8'), 'nashra.config.yaml');
  if (!config) throw new Error(`project config invalid: ${JSON.stringify(diagnostics)}`);
  return config;
}

/** A small config for fixture sites. */
export function testConfig(overrides: Record<string, unknown> = {}): SiteConfig {
  const base = {
    baseUrl: 'https://rights.example.org/',
    timeZone: 'Asia/Amman',
    languages: {
      en: { siteName: 'Example Rights Centre', rights: 'CC BY 4.0' },
      ar: { siteName: 'مركز الحقوق النموذجي', rights: 'CC BY 4.0' },
    },
    ...overrides,
  };
  const { config, diagnostics } = parseConfig(JSON.stringify(base), 'test-config.yaml');
  if (!config) throw new Error(`test config invalid: ${JSON.stringify(diagnostics)}`);
  return config;
}

export async function samplePosts(): Promise<SourceFile[]> {
  return readPostFiles(join(ROOT, 'posts'), ROOT);
}

/** Posts given as `{ 'en/slug.md': text }`. */
export function sourceFiles(posts: Record<string, string>): SourceFile[] {
  return Object.entries(posts).map(([path, text]) => ({ path: `posts/${path}`, lang: path.split('/')[0] ?? 'en', text }));
}

/** A config with a static folder reads it as the project's config does, relative to the project's root, unless `options.images` says otherwise. */
export function buildInMemory(files: readonly SourceFile[], config: SiteConfig, now = new Date('2026-11-01T00:00:00Z'), options: Parameters<typeof buildSite>[3] = {}): BuildResult {
  return buildSite(files, config, now, { images: options.images ?? staticFolder(config, ROOT, ROOT) });
}

export function outputOf(result: BuildResult, path: string): string {
  const file = result.outputs.find((output) => output.path === path);
  if (!file) throw new Error(`no output ${path}; have ${result.outputs.map((o) => o.path).join(', ')}`);
  return file.content;
}

/** A temporary site directory: config, posts/<lang>/*.md, and an output directory. */
export async function siteOnDisk(posts: Record<string, string>, config: Record<string, unknown> = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'nashra-site-'));
  const settings = {
    baseUrl: 'https://rights.example.org/',
    timeZone: 'Asia/Amman',
    languages: { en: { siteName: 'Example Rights Centre' }, ar: { siteName: 'مركز الحقوق النموذجي' } },
    ...config,
  };
  await writeFile(join(dir, 'nashra.config.yaml'), JSON.stringify(settings, null, 2));
  for (const [path, text] of Object.entries(posts)) {
    const target = join(dir, 'posts', path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, text);
  }
  return dir;
}

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the compiled CLI (`npm test` compiles it first) in `cwd`. */
export async function runCli(args: readonly string[], cwd: string, env: Record<string, string> = {}): Promise<CliRun> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, NASHRA_LANG: 'en', ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failure.code === 'number' ? failure.code : -1, stdout: failure.stdout ?? '', stderr: failure.stderr ?? '' };
  }
}

/** All files under a directory, relative, sorted. */
export async function listFiles(dir: string): Promise<string[]> {
  const names = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return names
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1))
    .sort();
}

/** Front matter plus body, for fixtures. */
export function post(frontMatter: string, body = 'A paragraph of text about the work of the centre.\n'): string {
  return `---\n${frontMatter.trim()}\n---\n${body}`;
}

/** Every file under a directory with its text, for comparing whole outputs. */
export async function snapshot(dir: string): Promise<Record<string, string>> {
  const files = await listFiles(dir);
  return Object.fromEntries(await Promise.all(files.map(async (file) => [file, await readFile(join(dir, file), 'utf8')] as const)));
}

/** Ways a store of the state directory can be spoilt (a disk that filled, a copy cut short, a byte gone bad): each must be detected, never trusted. */
export const SPOILT_STORES: Readonly<Record<string, (path: string) => void>> = {
  'cut short': (path) => truncateSync(path, Math.floor(statSync(path).size / 2)),
  'with a flipped byte': (path) => {
    const bytes = readFileSync(path);
    const at = Math.floor(bytes.length * 0.7);
    bytes[at] = (bytes[at] ?? 0) ^ 0x20;
    writeFileSync(path, bytes);
  },
  'replaced by garbage': (path) => writeFileSync(path, 'not a store at all'),
  empty: (path) => writeFileSync(path, ''),
};
