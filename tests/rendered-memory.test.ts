/**
 * A process that builds again and again (the daemon's build thread) keeps
 * the full texts its builds rendered: the next build renders only the texts
 * whose post file, page URL or limits changed, and writes byte for byte what
 * a build that rendered everything writes, warnings included.
 */
import { describe, expect, it } from 'vitest';
import type { SiteConfig } from '../src/config.js';
import { formatDiagnostic, withRenderDiagnostics } from '../src/diagnostics.js';
import type { SourceFile } from '../src/load/parsePost.js';
import { memorySource } from '../src/load/source.js';
import { planSite } from '../src/pipeline.js';
import { RenderedBodies } from '../src/render/remembered.js';
import { sourceFiles, testConfig } from './support/site.js';

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
