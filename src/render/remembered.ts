/**
 * Full texts a long-lived process (the daemon's build thread) rendered in
 * its last builds, kept for the next. Rendering a body is a pure function of
 * the post file's text, the page's URL and the limits, so a text rendered
 * before is the text a new rendering would give, warnings included. A build
 * that follows a saved post then renders that post alone, not the fifty
 * others of every feed the post enters.
 *
 * Only what the last two builds used is kept, within a budget of memory:
 * kept texts come and go with the feeds, never the whole archive.
 */
import type { Limits } from '../config.js';
import type { Rendered } from './article.js';

/** The most characters of HTML kept for one build; past it, texts are rendered again when next needed. */
const BUILD_BUDGET_CHARS = 16 * 2 ** 20;

/** What a rendering is made from: the post file's text (by hash), the page's URL, and the limits. */
export interface RenderInputs {
  readonly sourceHash: string;
  readonly pageUrl: string;
  readonly limits: Limits;
}

export class RenderedBodies {
  /** Texts used by the build under way. */
  private current: Map<string, Rendered>;
  /** Texts used by the build before. */
  private previous = new Map<string, Rendered>();
  private currentChars = 0;
  /** Texts found rendered, since this memory was made. */
  reused = 0;
  /** Texts rendered by the build under way; with the texts it kept, what tells whether they differ from those it started with. */
  private renderedNow = 0;
  private building = false;

  /** A memory that starts with the texts a build stored (see `render/store.ts`). */
  constructor(texts: Iterable<readonly [key: string, rendered: Rendered]> = []) {
    this.current = new Map(texts);
  }

  /** The texts of the build under way, keyed as `find` keys them: what a store keeps for the next build. */
  texts(): IterableIterator<[string, Rendered]> {
    return this.current.entries();
  }

  /** Whether the build under way rendered a text, or left one out that the build before used; false until a build starts. */
  get changed(): boolean {
    return this.building && (this.renderedNow > 0 || this.current.size !== this.previous.size);
  }

  /** Starts a build: what the build before used stays findable; older texts go. */
  startBuild(): void {
    this.previous = this.current;
    this.current = new Map();
    this.currentChars = 0;
    this.renderedNow = 0;
    this.building = true;
  }

  /** The text rendered before from the same inputs, kept for this build too. */
  find(inputs: RenderInputs): Rendered | undefined {
    const key = keyOf(inputs);
    const found = this.current.get(key) ?? this.previous.get(key);
    if (found === undefined) return undefined;
    this.reused++;
    this.keepAs(key, found);
    return found;
  }

  /**
   * Keeps for the next build the text rendered before from these inputs, if
   * any, though this build does not use it: a build after an edit renders the
   * texts of the feeds the edit reaches, and the next edit may reach others.
   */
  carry(inputs: RenderInputs): void {
    const key = keyOf(inputs);
    const found = this.previous.get(key);
    if (found !== undefined) this.keepAs(key, found);
  }

  /** Keeps a text rendered by this build; a failed rendering is not kept, and is tried again. */
  keep(inputs: RenderInputs, rendered: Rendered): void {
    this.renderedNow++;
    this.keepAs(keyOf(inputs), rendered);
  }

  private keepAs(key: string, rendered: Rendered): void {
    if (this.current.has(key) || this.currentChars + rendered.html.length > BUILD_BUDGET_CHARS) return;
    this.current.set(key, rendered);
    this.currentChars += rendered.html.length;
  }
}

function keyOf({ sourceHash, pageUrl, limits }: RenderInputs): string {
  return JSON.stringify([sourceHash, pageUrl, limits]);
}
