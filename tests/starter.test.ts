/**
 * `nashra init` starts a site that builds cleanly at once, and `nashra new`
 * adds an article in every language as a draft that nothing publishes until
 * an editor says so. Neither ever replaces a file.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { localDateTime, newPostFiles } from '../src/init/starter.js';
import { listFiles, runCli } from './support/site.js';

async function emptyDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'nashra-starter-'));
}

describe('nashra init', () => {
  it('writes a site that builds without a diagnostic: one article in English and Arabic', async () => {
    const dir = await emptyDir();
    const init = await runCli(['init', '--time-zone', 'Asia/Amman'], dir);
    expect(init.code, init.stderr).toBe(0);
    expect(await listFiles(dir)).toEqual(['.gitignore', 'nashra.config.yaml', 'posts/ar/welcome.md', 'posts/en/welcome.md']);
    const build = await runCli(['build'], dir);
    expect(build.code).toBe(0);
    expect(build.stderr).toBe('');
    expect(build.stdout).toMatch(/^en 1 post, ar 1 post;/);
    const rss = await readFile(join(dir, 'feeds', 'ar', 'rss.xml'), 'utf8');
    expect(rss).toContain('أهلاً بكم في نشراتنا');
    expect(await readFile(join(dir, '.gitignore'), 'utf8')).toMatch(/^\.nashra\/$/m);
  });

  it('replaces nothing: over an existing site it writes nothing, names the files in the way and exits 2', async () => {
    const dir = await emptyDir();
    await writeFile(join(dir, 'nashra.config.yaml'), '# ours\n');
    await writeFile(join(dir, '.gitignore'), 'node_modules/\n');
    const init = await runCli(['init'], dir);
    expect(init.code).toBe(2);
    expect(init.stderr).toContain('nashra.config.yaml already exists; nothing was written');
    expect(await readFile(join(dir, 'nashra.config.yaml'), 'utf8')).toBe('# ours\n');
    expect(await listFiles(dir)).toEqual(['.gitignore', 'nashra.config.yaml']);
  });

  it('adds the state directory to an existing .gitignore instead of refusing it', async () => {
    const dir = await emptyDir();
    await writeFile(join(dir, '.gitignore'), 'node_modules/');
    expect((await runCli(['init'], dir)).code).toBe(0);
    expect(await readFile(join(dir, '.gitignore'), 'utf8')).toBe('node_modules/\n.nashra/\n');
  });

  it('refuses a time zone or an address it cannot use', async () => {
    const dir = await emptyDir();
    expect((await runCli(['init', '--time-zone', 'Mars/Olympus'], dir)).stderr).toContain('not an IANA time zone');
    expect((await runCli(['init', '--base-url', 'javascript:alert(1)'], dir)).code).toBe(2);
    expect(await listFiles(dir)).toEqual([]);
  });
});

describe('nashra new', () => {
  it('writes one draft per language with a shared translationKey, which the next build holds back', async () => {
    const dir = await emptyDir();
    await runCli(['init', '--time-zone', 'Asia/Amman'], dir);
    const created = await runCli(['new', 'water-rights'], dir);
    expect(created.code, created.stderr).toBe(0);
    const english = await readFile(join(dir, 'posts', 'en', 'water-rights.md'), 'utf8');
    const arabic = await readFile(join(dir, 'posts', 'ar', 'water-rights.md'), 'utf8');
    for (const text of [english, arabic]) {
      expect(text).toMatch(/^translationKey: "water-rights"$/m);
      expect(text).toMatch(/^draft: true$/m);
      expect(text).toMatch(/^date: \d{4}-\d\d-\d\dT\d\d:\d\d:00\+03:00$/m);
    }
    const build = await runCli(['build'], dir);
    expect(build.code).toBe(0);
    expect(build.stdout).toMatch(/^en 1 post, ar 1 post \(held back: 2 drafts\);/);
    expect(await readFile(join(dir, 'feeds', 'en', 'rss.xml'), 'utf8')).not.toContain('Title of the article');
  });

  it('replaces nothing, and refuses a slug that cannot be a URL segment or a language the config lacks', async () => {
    const dir = await emptyDir();
    await runCli(['init'], dir);
    expect((await runCli(['new', 'welcome'], dir)).stderr).toContain('posts/en/welcome.md, posts/ar/welcome.md already exist');
    expect((await runCli(['new', 'two words'], dir)).stderr).toContain('the slug "two words" must be letters');
    expect((await runCli(['new', 'solo', '--lang', 'fr'], dir)).stderr).toContain("--lang fr: the config's languages are en, ar");
    expect((await runCli(['new', 'solo', '--lang', 'en'], dir)).code).toBe(0);
    expect(await listFiles(join(dir, 'posts'))).toEqual(['ar/welcome.md', 'en/solo.md', 'en/welcome.md']);
  });

  it('dates an article in the site\'s time zone: late on 9 February in UTC is already 10 February in Amman', () => {
    const now = new Date('2026-02-09T22:30:45Z');
    expect(localDateTime(now, 'Asia/Amman')).toBe('2026-02-10T01:30:00+03:00');
    const [file] = newPostFiles({ slug: 'x', languages: ['ar'], now, timeZone: 'Asia/Amman', postsDir: 'posts' });
    expect(file?.path).toBe('posts/ar/x.md');
    expect(file?.text).toContain('date: 2026-02-10T01:30:00+03:00');
  });
});
