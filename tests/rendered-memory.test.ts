/**
 * A process that builds again and again (the daemon's build thread) keeps
 * the full texts its builds rendered, and a build stores them in the state
 * directory for the next: the next build renders only the texts whose post
 * file, page URL or limits changed, and writes byte for byte what a build
 * that rendered everything writes, warnings included. A stored file that is
 * damaged is said and rewritten, never trusted.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBuild } from '../src/build.js';
import type { SiteConfig } from '../src/config.js';
import { formatDiagnostic, withRenderDiagnostics } from '../src/diagnostics.js';
import type { SourceFile } from '../src/load/parsePost.js';
import { memorySource } from '../src/load/source.js';
import { planSite } from '../src/pipeline.js';
import { RenderedBodies } from '../src/render/remembered.js';
import { BODIES_FILE } from '../src/render/store.js';
import { listFiles, siteOnDisk, sourceFiles, SPOILT_STORES, testConfig } from './support/site.js';

const NOW = new Date('2026-11-01T00:00:00Z');

function post(title: string, date: string, body: string): string {
  return `---\ntitle: ${JSON.stringify(title)}\ndate: ${date}\ncategories: [Statements]\n---\n${body}\n`;
}

const posts: Record<string, string> = Object.fromEntries(
  Array.from({ length: 12 }, (_, index) => [`en/statement-${index + 1}.md`, post(`Statement ${index + 1} on detention`, `2026-03-${String(index + 1).padStart(2, '0')}`, `The centre calls for the release of detainee ${index + 1}.`)]),
);
// Nested deeper than the limit: rendered with a warning, which a reused text must tell again.
posts['en/deep.md'] = post('A statement quoted within quotes', '2026-03-20', `${'> '.repeat(8)}deep`);

/** One build with threads off, its outputs in full, and how many full texts it rendered. */
function build(files: readonly SourceFile[], config: SiteConfig, rendered?: RenderedBodies) {
  let renderedCount = -1;
  const plan = planSite(memorySource(files), config, NOW, {
    threads: 0,
    ...(rendered ? { rendered } : {}),
    onPhase: (phase, count) => {
      if (phase === 'render') renderedCount = count;
    },
  });
  const outputs = Object.fromEntries([...plan.outputs].map((output) => [output.path, [...output.chunks].join('')]));
  const diagnostics = withRenderDiagnostics(plan.diagnostics, plan.renderDiagnostics).map(formatDiagnostic);
  return { outputs, diagnostics, renderedCount };
}

describe('full texts kept by a process between its builds', () => {
  const config = testConfig({ feeds: { fullContent: true }, limits: { nestingDepth: 4 } });

  it('renders only the post that changed, and writes what a build that renders everything writes', () => {
    const memory = new RenderedBodies();
    const first = build(sourceFiles(posts), config, memory);
    expect(first.renderedCount).toBe(13);
    const edited = sourceFiles({ ...posts, 'en/statement-12.md': post('Statement 12 on detention', '2026-03-12', 'The centre calls again for the release of detainee 12.') });
    const again = build(edited, config, memory);
    expect(again.renderedCount).toBe(1);
    expect(memory.reused).toBe(12);
    const fresh = build(edited, config);
    expect(fresh.renderedCount).toBe(13);
    expect(again.outputs).toEqual(fresh.outputs);
    expect(again.diagnostics).toEqual(fresh.diagnostics);
  });

  it('tells the warnings of a reused text again', () => {
    const memory = new RenderedBodies();
    const first = build(sourceFiles(posts), config, memory);
    const deepWarnings = first.diagnostics.filter((line) => line.startsWith('posts/en/deep.md'));
    expect(deepWarnings.length).toBeGreaterThan(0);
    const again = build(sourceFiles(posts), config, memory);
    expect(again.renderedCount).toBe(0);
    expect(again.diagnostics).toEqual(first.diagnostics);
  });

  it('renders again every text whose page URL or limits changed', () => {
    const memory = new RenderedBodies();
    build(sourceFiles(posts), config, memory);
    const moved = testConfig({ feeds: { fullContent: true }, limits: { nestingDepth: 4 }, languages: { en: { siteName: 'Example Rights Centre', rights: 'CC BY 4.0', urlPattern: '/{lang}/news/{slug}/' }, ar: { siteName: 'مركز الحقوق النموذجي', rights: 'CC BY 4.0' } } });
    const afterMove = build(sourceFiles(posts), moved, memory);
    expect(afterMove.renderedCount).toBe(13);
    expect(afterMove.outputs).toEqual(build(sourceFiles(posts), moved).outputs);
    const deeper = testConfig({ feeds: { fullContent: true }, limits: { nestingDepth: 20 } });
    const afterLimits = build(sourceFiles(posts), deeper, memory);
    expect(afterLimits.renderedCount).toBe(13);
    expect(afterLimits.diagnostics.filter((line) => line.startsWith('posts/en/deep.md'))).toEqual([]);
  });
});

describe('full texts stored in the state directory', () => {
  /** Six statements and six reports, three of each in their category's feed, every feed in full. */
  const site = async (): Promise<string> => {
    const files: Record<string, string> = {};
    for (let index = 1; index <= 12; index++) {
      const category = index <= 6 ? 'Statements' : 'Reports';
      files[`en/${category.toLowerCase()}-${index}.md`] = `---\ntitle: "${category} ${index} on detention"\ndate: 2026-03-${String(index).padStart(2, '0')}\ncategories: [${category}]\n---\nThe centre calls for the release of detainee ${index}.\n`;
    }
    // Nested deeper than the limit: rendered with a warning, which a stored text must tell again.
    files['en/reports-12.md'] = files['en/reports-12.md']?.replace('detainee 12.', `detainee 12.\n\n${'> '.repeat(8)}Quoted within quotes.`) ?? '';
    return siteOnDisk(files, { feeds: { fullContent: true, limit: 3 }, limits: { nestingDepth: 4 } });
  };
  const paths = (dir: string, state = 'state', out = 'out') => ({ config: join(dir, 'nashra.config.yaml'), posts: join(dir, 'posts'), out: join(dir, out), state: join(dir, state) });
  /** A build as `nashra build` makes it, with how many full texts it rendered. */
  const buildOnDisk = async (dir: string, options: { state?: string; out?: string; cache?: boolean } = {}) => {
    let rendered = 0;
    const outcome = await runBuild(paths(dir, options.state, options.out), NOW, { allowShrink: true, ...(options.cache === false ? { cache: false } : {}), onPhase: (phase, count) => { if (phase === 'render') rendered = count; } });
    return { rendered, outcome, warnings: outcome.diagnostics.filter((d) => d.field === 'state').map((d) => d.message) };
  };
  const outputsOf = async (dir: string, out: string) => Object.fromEntries(await Promise.all((await listFiles(join(dir, out))).map(async (file) => [file, await readFile(join(dir, out, file), 'utf8')])));
  const edit = (dir: string, name: string) => {
    const file = join(dir, 'posts/en', name);
    writeFileSync(file, readFileSync(file, 'utf8').replace('The centre calls', 'The centre calls again'));
  };

  it('lets a build after an edit render the edited post alone, and later edits the posts they edit alone', async () => {
    const dir = await site();
    expect((await buildOnDisk(dir)).rendered).toBe(6);
    for (const name of ['statements-5.md', 'statements-4.md', 'reports-11.md', 'reports-12.md']) {
      edit(dir, name);
      expect((await buildOnDisk(dir)).rendered).toBe(1);
    }
    const afresh = await buildOnDisk(dir, { state: 'state-afresh', out: 'out-afresh', cache: false });
    expect(await outputsOf(dir, 'out')).toEqual(await outputsOf(dir, 'out-afresh'));
    const again = await buildOnDisk(dir);
    expect(again.rendered).toBe(0);
    // The build afresh has no record of what was published, so it says nothing of corrections: its rendering warnings are compared.
    const renderingWarnings = (outcome: typeof again.outcome) => outcome.diagnostics.filter((d) => d.field === 'body').map(formatDiagnostic);
    expect(renderingWarnings(again.outcome)).toEqual(renderingWarnings(afresh.outcome));
    expect(renderingWarnings(again.outcome)).toEqual([expect.stringMatching(/reports-12\.md:8:1 warning quotes or lists nested deeper/)]);
  });

  for (const [how, spoil] of Object.entries(SPOILT_STORES)) {
    it(`is not trusted when ${how}: the build says so, renders what it needs, writes what a build afresh writes, and stores the texts again`, async () => {
      const dir = await site();
      await buildOnDisk(dir);
      const before = await outputsOf(dir, 'out');
      spoil(join(dir, 'state', BODIES_FILE));
      edit(dir, 'statements-5.md');
      const damaged = await buildOnDisk(dir);
      expect(damaged.warnings).toEqual([expect.stringMatching(/bodies\.v8 is damaged or incomplete; full texts are rendered afresh/)]);
      expect(damaged.rendered).toBe(3);
      expect(await outputsOf(dir, 'out')).not.toEqual(before);
      await buildOnDisk(dir, { state: 'state-afresh', out: 'out-afresh', cache: false });
      expect(await outputsOf(dir, 'out')).toEqual(await outputsOf(dir, 'out-afresh'));
      edit(dir, 'statements-4.md');
      const next = await buildOnDisk(dir);
      expect(next.warnings).toEqual([]);
      expect(next.rendered).toBe(1);
    });
  }

  it('is not used, quietly, when another format or another config wrote it', async () => {
    const dir = await site();
    await buildOnDisk(dir);
    writeFileSync(join(dir, 'state', BODIES_FILE), 'nashra rendered bodies 0\nolder body');
    edit(dir, 'statements-5.md');
    const older = await buildOnDisk(dir);
    expect(older.warnings).toEqual([]);
    expect(older.rendered).toBe(3);
    const configFile = join(dir, 'nashra.config.yaml');
    const settings = JSON.parse(readFileSync(configFile, 'utf8')) as { feeds: object };
    writeFileSync(configFile, JSON.stringify({ ...settings, feeds: { ...settings.feeds, summaryLength: 120 } }));
    const otherConfig = await buildOnDisk(dir);
    expect(otherConfig.warnings).toEqual([]);
    expect(otherConfig.rendered).toBe(6);
  });
});
