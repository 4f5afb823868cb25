/**
 * A long build says what it is doing after loading: on a terminal, a line per
 * phase (relate, render, write) in the user's language; through the API, a
 * callback. Nothing is said for a build that keeps the output in place.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { build } from '../src/index.js';
import { CLI, post, siteOnDisk } from './support/site.js';

const run = promisify(execFile);

const POSTS = {
  'en/one.md': post('title: One\ndate: 2026-03-01T09:00:00Z'),
  'en/two.md': post('title: Two\ndate: 2026-03-02T09:00:00Z'),
  'ar/one.md': post('title: واحد\ndate: 2026-03-01T09:00:00Z'),
};

describe('the phases of a build after loading', () => {
  it('are told in order with the posts they concern, and not at all when the output in place is kept', async () => {
    const dir = await siteOnDisk(POSTS);
    const options = { config: join(dir, 'nashra.config.yaml'), posts: join(dir, 'posts'), out: join(dir, 'feeds'), now: new Date('2026-11-01T00:00:00Z') };
    const phases: string[] = [];
    await build({ ...options, onPhase: (phase, posts) => phases.push(`${phase} ${posts}`) });
    expect(phases).toEqual(['relate 3', 'render 3', 'write 3']);
    phases.length = 0;
    await build({ ...options, onPhase: (phase, posts) => phases.push(`${phase} ${posts}`) });
    expect(phases).toEqual([]);
  });

  it('are shown on a terminal, in Arabic under NASHRA_LANG=ar', async () => {
    const dir = await siteOnDisk(POSTS);
    // script(1) gives the CLI a terminal, where progress is shown.
    const english = await run('script', ['-qec', `node ${CLI} build --no-cache`, '/dev/null'], { cwd: dir, env: { ...process.env, NASHRA_LANG: 'en' } });
    expect(english.stdout).toContain('ranking related articles for 3 posts');
    expect(english.stdout).toContain('composing and writing the feeds');
    const arabic = await run('script', ['-qec', `node ${CLI} build --no-cache`, '/dev/null'], { cwd: dir, env: { ...process.env, NASHRA_LANG: 'ar' } });
    expect(arabic.stdout).toContain('تركيب الخلاصات وكتابتها');
  });
});
