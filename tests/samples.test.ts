/** The committed feeds in feeds/ are what the committed posts build to. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildInMemory, projectConfig, ROOT, samplePosts } from './support/site.js';

describe('committed sample feeds', () => {
  it('are up to date with posts/ and nashra.config.yaml (run `npm run feeds` after editing a post)', async () => {
    const result = buildInMemory(await samplePosts(), await projectConfig(), new Date());
    expect(result.diagnostics).toEqual([]);
    for (const output of result.outputs) {
      const committed = await readFile(join(ROOT, 'feeds', output.path), 'utf8').catch(() => `missing feeds/${output.path}`);
      expect(committed, `feeds/${output.path} is stale`).toBe(output.content);
    }
  });

  it('cover at least 12 articles, most in both languages, some in one only, across categories', async () => {
    const { posts } = buildInMemory(await samplePosts(), await projectConfig());
    const keys = new Map<string, Set<string>>();
    for (const post of posts) {
      const key = post.translationKey ?? `${post.lang}:${post.slug}`;
      keys.set(key, (keys.get(key) ?? new Set()).add(post.lang));
    }
    const bilingual = [...keys.values()].filter((langs) => langs.size === 2).length;
    expect(keys.size).toBeGreaterThanOrEqual(12);
    expect(bilingual).toBeGreaterThan(keys.size / 2);
    expect(keys.size - bilingual).toBeGreaterThanOrEqual(2);
    const tops = new Set(posts.filter((post) => post.lang === 'en').flatMap((post) => post.categories.map((path) => path[0])));
    expect([...tops].sort()).toEqual(['News', 'Reports', 'Statements']);
    expect(posts.filter((post) => post.image).length).toBeGreaterThanOrEqual(4);
  });
});
