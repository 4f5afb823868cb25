/**
 * Partner media: the images a feed names are described as far as nashra can
 * know them. A file of the configured static folder is measured (bytes,
 * width, height, type); any other image without a written size is a warning
 * and gets no RSS enclosure claiming a length; every image has a
 * thumbnail; the config's logo and icon reach all three formats.
 */
import { statSync } from 'node:fs';
import { mkdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { staticFileOf } from '../src/media/images.js';
import { staticFolder } from '../src/media/staticFolder.js';
import type { Diagnostic } from '../src/diagnostics.js';
import { feedparser, jsonFeedErrors, skipWithout } from './support/consumers.js';
import { png } from './support/png.js';
import { buildInMemory, outputOf, post, runCli, siteOnDisk, sourceFiles, testConfig } from './support/site.js';

const COVER = png(640, 360);

function imagePost(image: string, slug = 'report-launch'): string {
  return post(`title: Report launch\ndate: 2026-03-01T10:00:00+03:00\nslug: ${slug}\nimage:\n${image}`);
}

/** A site folder with a static folder holding `files`, its config saying where it is. */
async function siteWithStatic(files: Record<string, Buffer>, config: Record<string, unknown> = {}): Promise<string> {
  const dir = await siteOnDisk({}, { static: { dir: 'static', url: '/' }, ...config });
  for (const [path, bytes] of Object.entries(files)) {
    await mkdir(join(dir, 'static', path, '..'), { recursive: true });
    await writeFile(join(dir, 'static', path), bytes);
  }
  return dir;
}

/** The site built in memory with its static folder read through the real edge. */
function build(dir: string, posts: Record<string, string>, config: Record<string, unknown> = {}) {
  const siteConfig = testConfig({ static: { dir: 'static', url: '/' }, ...config });
  return buildInMemory(sourceFiles(posts), siteConfig, undefined, { images: staticFolder(siteConfig, dir, dir) });
}

const warnings = (diagnostics: readonly Diagnostic[]) => diagnostics.filter((d) => d.severity === 'warning');

describe('an image that is a file of the static folder', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await siteWithStatic({ 'images/cover.png': COVER, 'images/cover-small.png': png(160, 90), 'images/no-extension': COVER });
  });

  it('is published with its byte size, width, height and type in every format, and no warning', () => {
    const result = build(dir, { 'en/launch.md': imagePost('  url: /images/cover.png\n  alt: The report cover') });
    expect(result.diagnostics).toEqual([]);
    const rss = outputOf(result, 'en/rss.xml');
    const url = 'https://rights.example.org/images/cover.png';
    expect(rss).toContain(`<enclosure url="${url}" length="${COVER.length}" type="image/png"/>`);
    expect(rss).toContain(`<media:content url="${url}" medium="image" type="image/png" fileSize="${COVER.length}" width="640" height="360">`);
    expect(outputOf(result, 'en/atom.xml')).toContain(`<media:content url="${url}" medium="image" type="image/png" fileSize="${COVER.length}" width="640" height="360">`);
    const item = JSON.parse(outputOf(result, 'en/feed.json')).items[0];
    expect(item.attachments).toEqual([{ url, mime_type: 'image/png', title: 'The report cover', size_in_bytes: COVER.length }]);
    expect(item._nashra).toMatchObject({ image_alt: 'The report cover', image_width: 640, image_height: 360 });
  });

  it('takes its type from the file when the URL and the front matter do not give it', () => {
    const result = build(dir, { 'en/launch.md': imagePost('  url: /images/no-extension\n  alt: The report cover') });
    expect(outputOf(result, 'en/rss.xml')).toContain('<enclosure url="https://rights.example.org/images/no-extension" length="' + COVER.length + '" type="image/png"/>');
  });

  it('has a media:thumbnail: the image itself, or the thumbnail the post names, each with its size', () => {
    const result = build(dir, {
      'en/launch.md': imagePost('  url: /images/cover.png\n  alt: The report cover'),
      'en/other.md': imagePost('  url: /images/cover.png\n  alt: The report cover\n  thumbnail: /images/cover-small.png', 'other'),
    });
    const rss = outputOf(result, 'en/rss.xml');
    expect(rss).toContain('<media:thumbnail url="https://rights.example.org/images/cover.png" width="640" height="360"/>');
    expect(rss).toContain('<media:thumbnail url="https://rights.example.org/images/cover-small.png" width="160" height="90"/>');
    expect(outputOf(result, 'en/atom.xml')).toContain('<media:thumbnail url="https://rights.example.org/images/cover-small.png" width="160" height="90"/>');
  });

  it('is found through the CLI, the static folder relative to the config file', async () => {
    const site = await siteWithStatic({ 'images/cover.png': COVER });
    await mkdir(join(site, 'posts/en'), { recursive: true });
    await writeFile(join(site, 'posts/en/launch.md'), imagePost('  url: https://rights.example.org/images/cover.png\n  alt: The report cover'));
    const run = await runCli(['build', '--config', join(site, 'nashra.config.yaml'), '--posts', join(site, 'posts'), '--out', join(site, 'out'), '--state-dir', join(site, 'state')], join(site, 'posts'));
    expect(run.stderr).not.toMatch(/warning|error/);
    expect(await readFile(join(site, 'out/en/rss.xml'), 'utf8')).toContain(`fileSize="${COVER.length}" width="640" height="360"`);
  });

  it.skipIf(skipWithout('feedparser'))('reads as a sized image and thumbnail in feedparser', async () => {
    const result = build(dir, { 'en/launch.md': imagePost('  url: /images/cover.png\n  alt: The report cover') });
    const file = join(dir, 'rss.xml');
    await writeFile(file, outputOf(result, 'en/rss.xml'));
    const entry = feedparser(file).entries[0];
    expect(entry?.media_content?.[0]).toMatchObject({ url: 'https://rights.example.org/images/cover.png', width: '640', height: '360', filesize: String(COVER.length) });
    expect(entry?.media_thumbnail).toEqual([{ url: 'https://rights.example.org/images/cover.png', width: '640', height: '360' }]);
  });
});

describe('the static folder', () => {
  const config = testConfig({ baseUrl: 'https://rights.example.org/site/', static: { dir: 'static', url: '/files/' } });

  it("maps URLs under its url (relative to baseUrl) to files, and nothing else", () => {
    expect(staticFileOf(config, 'https://rights.example.org/site/files/images/cover%20page.png')).toBe('images/cover page.png');
    expect(staticFileOf(config, 'https://rights.example.org/files/images/cover.png')).toBeUndefined();
    expect(staticFileOf(config, 'https://cdn.example.net/site/files/images/cover.png')).toBeUndefined();
  });

  it('never maps a URL to a file outside the folder', () => {
    expect(staticFileOf(config, 'https://rights.example.org/site/files/..%2f..%2fnashra.config.yaml')).toBeUndefined();
    expect(staticFileOf(config, 'https://rights.example.org/site/files/%2e%2e/secret.png')).toBeUndefined();
    expect(staticFileOf(config, 'https://rights.example.org/site/files/images/')).toBeUndefined();
  });
});

describe('an image whose size is unknown', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await siteWithStatic({});
  });

  it('on another host: a warning at its image line, no zero-length enclosure, media:content with what is known', () => {
    const result = build(dir, { 'en/launch.md': imagePost('  url: https://cdn.example.net/cover.jpg\n  alt: The report cover') });
    expect(warnings(result.diagnostics)).toEqual([
      expect.objectContaining({ file: 'posts/en/launch.md', line: 5, field: 'image', message: expect.stringContaining('https://cdn.example.net/cover.jpg') }),
    ]);
    const rss = outputOf(result, 'en/rss.xml');
    expect(rss).not.toContain('<enclosure');
    expect(rss).toContain('<media:content url="https://cdn.example.net/cover.jpg" medium="image" type="image/jpeg">');
    expect(rss).toContain('<media:thumbnail url="https://cdn.example.net/cover.jpg"/>');
  });

  it('is a warning in nashra check too, at the image line', async () => {
    const site = await siteOnDisk({ 'en/launch.md': imagePost('  url: https://cdn.example.net/cover.jpg\n  alt: The report cover') });
    const run = await runCli(['check'], site);
    expect(run.stderr).toMatch(/^posts\/en\/launch\.md:5:1 warning .*https:\/\/cdn\.example\.net\/cover\.jpg.*\[image\]$/m);
  });

  it('missing from the static folder: a warning naming the file it looked for', () => {
    const result = build(dir, { 'en/launch.md': imagePost('  url: /images/gone.png\n  alt: The report cover') });
    expect(warnings(result.diagnostics)).toEqual([expect.objectContaining({ file: 'posts/en/launch.md', line: 5, field: 'image', message: expect.stringContaining(join('static', 'images', 'gone.png')) })]);
    expect(outputOf(result, 'en/rss.xml')).not.toContain('<enclosure');
  });

  it('is no warning when the front matter gives its size, which the enclosure then carries', () => {
    const result = build(dir, { 'en/launch.md': imagePost('  url: https://cdn.example.net/cover.jpg\n  alt: The report cover\n  size: 1234') });
    expect(result.diagnostics).toEqual([]);
    expect(outputOf(result, 'en/rss.xml')).toContain('<enclosure url="https://cdn.example.net/cover.jpg" length="1234" type="image/jpeg"/>');
  });
});

describe('a broken image file', () => {
  it.each([
    ['truncated', COVER.subarray(0, 20)],
    ['garbage', Buffer.from('this is not an image at all, only text')],
    ['empty', Buffer.alloc(0)],
  ])('(%s) is a warning, and the post publishes with the byte size it has', async (_kind, bytes) => {
    const dir = await siteWithStatic({ 'images/broken.png': bytes });
    const result = build(dir, { 'en/launch.md': imagePost('  url: /images/broken.png\n  alt: The report cover') });
    expect(result.diagnostics).toEqual([expect.objectContaining({ severity: 'warning', file: 'posts/en/launch.md', line: 5, message: expect.stringContaining(join('static', 'images', 'broken.png')) })]);
    const rss = outputOf(result, 'en/rss.xml');
    expect(rss).toContain('<title>Report launch</title>');
    expect(rss).toContain(`<media:content url="https://rights.example.org/images/broken.png" medium="image" type="image/png" fileSize="${bytes.length}">`);
  });
});

describe('the feed logo and icon from the config', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await siteWithStatic({ 'logo.png': png(600, 300), 'icon.png': png(512, 512), 'ar/logo.png': png(100, 40) });
  });
  const config = { feeds: { logo: '/logo.png', icon: '/icon.png' }, languages: { en: { siteName: 'Example Rights Centre' }, ar: { siteName: 'مركز الحقوق النموذجي', logo: '/ar/logo.png' } } };
  const posts = { 'en/launch.md': post('title: Launch\ndate: 2026-03-01T10:00:00+03:00'), 'ar/launch.md': post('title: إطلاق\ndate: 2026-03-01T10:00:00+03:00') };

  it('are the Atom logo and icon', () => {
    const atom = outputOf(build(dir, posts, config), 'en/atom.xml');
    expect(atom).toContain('<logo>https://rights.example.org/logo.png</logo>');
    expect(atom).toContain('<icon>https://rights.example.org/icon.png</icon>');
  });

  it('are the RSS channel image, titled and linked as the channel, its size scaled into 144 by 400', () => {
    const rss = outputOf(build(dir, posts, config), 'en/rss.xml');
    const image = /<image>([\s\S]*?)<\/image>/.exec(rss)?.[1] ?? '';
    expect(image.replace(/\s+/g, '')).toBe('<url>https://rights.example.org/logo.png</url><title>ExampleRightsCentre</title><link>https://rights.example.org/en/</link><width>144</width><height>72</height>'.replace(/\s+/g, ''));
    expect(rss.indexOf('<image>')).toBeLessThan(rss.indexOf('<item>'));
  });

  it('are the JSON Feed icon and favicon', () => {
    const json = outputOf(build(dir, posts, config), 'en/feed.json');
    expect(JSON.parse(json)).toMatchObject({ icon: 'https://rights.example.org/icon.png', favicon: 'https://rights.example.org/icon.png' });
    expect(jsonFeedErrors(json)).toEqual([]);
  });

  it("follow a language's own logo, at its own size", () => {
    const result = build(dir, posts, config);
    expect(outputOf(result, 'ar/atom.xml')).toContain('<logo>https://rights.example.org/ar/logo.png</logo>');
    expect(outputOf(result, 'ar/rss.xml')).toMatch(/<url>https:\/\/rights.example.org\/ar\/logo.png<\/url>[\s\S]*<width>100<\/width>\s*<height>40<\/height>/);
    expect(outputOf(result, 'ar/atom.xml')).toContain('<icon>https://rights.example.org/icon.png</icon>');
  });

  it('are rejected in the config when not a URL or a site path', async () => {
    const site = await siteOnDisk({ 'en/launch.md': posts['en/launch.md'] }, { feeds: { logo: 'javascript:alert(1)' } });
    const run = await runCli(['check'], site);
    expect(run.code).not.toBe(0);
    expect(run.stderr + run.stdout).toContain('feeds.logo must be an absolute http(s) URL or a path under baseUrl');
  });

  it.skipIf(skipWithout('feedparser'))('read as the feed image, logo and icon in feedparser', async () => {
    const result = build(dir, posts, config);
    for (const format of ['rss.xml', 'atom.xml']) await writeFile(join(dir, format), outputOf(result, `en/${format}`));
    const rss = feedparser(join(dir, 'rss.xml'));
    expect(rss.feed.image).toMatchObject({ href: 'https://rights.example.org/logo.png', width: 144, height: 72 });
    const atom = feedparser(join(dir, 'atom.xml'));
    expect(atom.feed).toMatchObject({ logo: 'https://rights.example.org/logo.png', icon: 'https://rights.example.org/icon.png' });
  });
});

describe('determinism', () => {
  it('gives the same bytes for the same files, a second build reading the measurements it kept', async () => {
    const dir = await siteWithStatic({ 'images/cover.png': COVER, 'logo.png': png(200, 100) });
    const posts = { 'en/launch.md': imagePost('  url: /images/cover.png\n  alt: The report cover') };
    const first = build(dir, posts, { feeds: { logo: '/logo.png' } });
    const second = build(dir, posts, { feeds: { logo: '/logo.png' } });
    expect(second.outputs).toEqual(first.outputs);
  });
});

describe('an image of the static folder rewritten in place', () => {
  it('is measured again even when its size, modification time and inode were kept, as `cp -p` keeps them', async () => {
    const dir = await siteWithStatic({ 'images/kept.png': COVER });
    const config = testConfig({ static: { dir: 'static', url: '/' } });
    const widthOf = () => {
      const found = staticFolder(config, dir, dir)('https://rights.example.org/images/kept.png');
      return found.kind === 'found' ? found.facts.width : undefined;
    };
    const path = join(dir, 'static/images/kept.png');
    // A whole second, which writing it back gives exactly.
    const moment = new Date('2026-01-01T00:00:00Z');
    await utimes(path, moment, moment);
    expect(widthOf()).toBe(640);
    const before = statSync(path);
    const wider = Buffer.from(COVER);
    wider.writeUInt32BE(800, 16); // the width in the PNG header: same bytes in number
    await writeFile(path, wider);
    await utimes(path, moment, moment);
    expect([statSync(path).ino, statSync(path).size, statSync(path).mtimeMs]).toEqual([before.ino, before.size, before.mtimeMs]);
    expect(widthOf()).toBe(800);
  });
});
