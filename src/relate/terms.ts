import { arena } from '../arena.js';
import { analyseWord, scanWords, stripLetterPrefixes, withoutUrls, WordTable } from './normalize.js';
import { detached } from '../text.js';

/** How much an occurrence counts by where it is: a word of the title says more about the topic than one of the body. */
export const PLACE_WEIGHTS = { title: 3, summary: 2, body: 1 } as const;

/** Weighted occurrences of a term in one version are counted up to this: past it, 1 + ln(tf) hardly moves, and a byte per term keeps the counts small. */
export const MAX_COUNT = 255;

/** The terms of one version of an article, as counted from its title, summary and body. */
export interface TermCounts {
  /** Term ids, in the order the version first uses them. */
  readonly ids: Int32Array;
  /** Weighted occurrences of each term (see PLACE_WEIGHTS), at most MAX_COUNT. */
  readonly counts: Uint8Array;
  /** The Arabic terms of `ids` that this version writes with the definite article (ال). */
  readonly definite: Int32Array;
}

/** The numbering of terms for ranking: see `canonicalTerms`. */
export interface CanonicalTerms {
  /** The canonical id of each term of the index, by its index id; -1 for terms that no version given uses. */
  readonly canonicalOf: Int32Array;
  /** How each term is shown (its shortest surface form), by canonical id. */
  readonly forms: string[];
}

/**
 * The terms of one version of an article as plain data that no index
 * numbering is in: what the load cache keeps of a post's body, so that a
 * post whose file did not change is related without reading it again.
 * `TermIndex.addCounted` takes it as `add` would have counted the body.
 */
export interface PostTerms {
  /** The texts `terms` and `forms` index: a table that many posts' counts share, and that may grow (what is in it stays where it is). */
  readonly strings: readonly string[];
  /** Each term's text (its stem), in the order the version first uses them. */
  readonly terms: Int32Array;
  /** How this version writes each term at its shortest (see `TermIndex.formOf`). */
  readonly forms: Int32Array;
  /** Weighted occurrences of each term, at most MAX_COUNT. */
  readonly counts: Uint8Array;
  /** Per term: ARABIC_TERM, and DEFINITE_TERM when this version writes it with the definite article. */
  readonly flags: Uint8Array;
}

/**
 * Term counts copied into blocks of their own, as they arrive from another
 * thread or from the load cache's bytes. Deserialised, each is an allocation
 * of its own (from a thread), or a view that keeps its whole frame of the
 * store alive (from the cache); tens of thousands of small allocations freed
 * at once after relating leave the allocator's heap full of holes it keeps.
 */
export function termsCopier(strings: readonly string[]): (terms: Omit<PostTerms, 'strings'>) => PostTerms {
  const ints = arena((length) => new Int32Array(length));
  const bytes = arena((length) => new Uint8Array(length));
  return (terms) => ({ strings, terms: ints(terms.terms), forms: ints(terms.forms), counts: bytes(terms.counts), flags: bytes(terms.flags) });
}

export const ARABIC_TERM = 1;
export const DEFINITE_TERM = 2;

/** What counting reads of a post besides its body: a `Post` is one. */
export interface CountedText {
  /** Where its counts are kept, and found again by `of`. */
  readonly sourcePath: string;
  readonly lang: string;
  readonly title: string;
  readonly summaryMarkdown?: string | undefined;
}

const NO_IDS = new Int32Array(0);
/** A word that is not a term (a stop word, a number); other table values are `id << 1 | definite`. */
const NOT_A_TERM = -1;

/**
 * The term counts of every post, taken by the loader while it holds the body,
 * so that relating never reads a body again. Words are normalised and stemmed
 * once per distinct spelling (a hash table per language remembers them).
 *
 * Ids are handed out in the order words are first met, which depends on the
 * order the files were read in: `canonicalTerms` renumbers them before
 * anything is ranked, so results never do.
 */
export class TermIndex {
  private readonly idOf = new Map<string, number>();
  private readonly text: string[] = [];
  private readonly lang: string[] = [];
  private readonly arabic: boolean[] = [];
  private readonly form: string[] = [];
  /** Per language, each spelling met to its index in `spellingValue` and `spellingForm`. */
  private readonly words = new Map<string, WordTable>();
  /** What a spelling counts as: NOT_A_TERM, or `id << 1 | definite`. */
  private readonly spellingValue: number[] = [];
  private readonly spellingForm: string[] = [];
  private readonly byPath = new Map<string, TermCounts>();
  /** Counts from the load cache, waiting to be taken in (see `addCounted`). */
  private readonly pending = new Map<string, { readonly lang: string; readonly counted: PostTerms }>();
  /**
   * The counts each path's terms were taken from, when `addCounted` took
   * them: an index kept from build to build (the daemon's) need not take the
   * same counts again, and takes new ones for a file that changed. Held
   * weakly: the daemon keeps its records, and with them the counts, from
   * build to build; a build that lets its records go once they are stored
   * (the CLI's) would otherwise relate holding every post's counts twice
   * (some 40 MB at 10,000 articles). Counts gone are simply taken again.
   */
  private readonly takenFrom = new Map<string, WeakRef<PostTerms>>();
  /** The spellings the last `add` met, for the forms `count` reports; `spellingMark` holds the number of the `add` that last met each. */
  private spellingsMet: number[] = [];
  private readonly spellingMark: number[] = [];
  /** Scratch space of `count`, by term id. */
  private readonly shortestForm: (string | undefined)[] = [];
  /** The one string table of every `PostTerms` that `count` gives, and where each text and term id is in it. */
  private readonly countedStrings: string[] = [];
  private readonly countedNumber = new Map<string, number>();
  private readonly textNumber: number[] = [];

  private countedString(text: string): number {
    let at = this.countedNumber.get(text);
    if (at === undefined) this.countedNumber.set(text, (at = this.countedStrings.push(text) - 1));
    return at;
  }
  private adds = 0;

  // Scratch space of `add`, indexed by term id or by position; every array is as long as `counts`.
  private counts = new Int32Array(1 << 12);
  private definiteSeen = new Uint8Array(1 << 12);
  private touched = new Int32Array(1 << 12);
  private definiteIds = new Int32Array(1 << 12);
  private countBytes = new Uint8Array(1 << 12);
  private readonly ints: (values: ArrayLike<number>) => Int32Array;
  private readonly bytes: (values: ArrayLike<number>) => Uint8Array;

  constructor() {
    this.ints = arena((length) => new Int32Array(length));
    this.bytes = arena((length) => new Uint8Array(length));
  }

  /** Counts the terms of a post's title, summary and `body`. */
  add(post: CountedText, body: string): void {
    this.pending.delete(post.sourcePath);
    this.takenFrom.delete(post.sourcePath);
    const gathered = this.gather(post, body);
    this.byPath.set(post.sourcePath, {
      ids: this.ints(gathered.ids),
      counts: this.bytes(gathered.counts),
      definite: gathered.definite.length > 0 ? this.ints(gathered.definite) : NO_IDS,
    });
  }

  /** The counts of a post's title, summary and `body`, in the scratch space until the next post is counted. */
  private gather(post: CountedText, body: string): TermCounts {
    const table = this.tableFor(post.lang);
    // The scratch arrays in locals: this runs once per word of the archive.
    let { counts, definiteSeen, touched } = this;
    let touchedCount = 0;
    let weight: number = PLACE_WEIGHTS.title;
    const spellingsMet: number[] = [];
    const { spellingMark } = this;
    const mark = ++this.adds;
    const visit = (source: string, start: number, end: number, hash1: number, hash2: number): void => {
      let spelling = table.get(hash1, hash2, end - start);
      if (spelling === undefined) {
        // A copy: the index keeps what it makes of a spelling, which must not keep the whole text alive.
        spelling = this.spellingOf(detached(source.slice(start, end)), post.lang);
        table.set(hash1, hash2, end - start, spelling);
        if (this.text.length > counts.length) {
          this.grow(this.text.length);
          ({ counts, definiteSeen, touched } = this);
        }
      }
      const value = this.spellingValue[spelling] ?? NOT_A_TERM;
      if (value === NOT_A_TERM) return;
      if (spellingMark[spelling] !== mark) {
        spellingMark[spelling] = mark;
        spellingsMet.push(spelling);
      }
      const id = value >> 1;
      const before = counts[id] ?? 0;
      if (before === 0) touched[touchedCount++] = id;
      counts[id] = before + weight;
      if (value & 1) definiteSeen[id] = 1;
    };
    scanWords(withoutUrls(post.title), visit);
    if (post.summaryMarkdown) {
      weight = PLACE_WEIGHTS.summary;
      scanWords(withoutUrls(post.summaryMarkdown), visit);
    }
    weight = PLACE_WEIGHTS.body;
    scanWords(withoutUrls(body), visit);
    this.spellingsMet = spellingsMet;
    return this.take(touchedCount);
  }

  /**
   * The counts of a post's terms as plain data, to be kept and given to
   * `addCounted` in a later build. Not kept here: the counter of a pool
   * thread, which counts a share of the archive, would hold every post's
   * counts it ever took.
   */
  count(post: CountedText, body: string): PostTerms {
    const { ids, counts, definite } = this.gather(post, body);
    // This version's shortest form of each term, by id: scratch space, cleared again below.
    const shortest = this.shortestForm;
    for (const spelling of this.spellingsMet) {
      const id = (this.spellingValue[spelling] ?? 0) >> 1;
      const form = this.spellingForm[spelling] ?? '';
      const current = shortest[id];
      if (current === undefined || preferredForm(form, current)) shortest[id] = form;
    }
    const terms = new Int32Array(ids.length);
    const forms = new Int32Array(ids.length);
    const flags = new Uint8Array(ids.length);
    ids.forEach((id, i) => {
      const text = this.textOf(id);
      const form = shortest[id] ?? this.formOf(id);
      shortest[id] = undefined;
      let at = this.textNumber[id];
      if (at === undefined) this.textNumber[id] = at = this.countedString(text);
      terms[i] = at;
      forms[i] = form === text ? at : this.countedString(form);
      flags[i] = this.isArabic(id) ? ARABIC_TERM : 0;
    });
    if (definite.length > 0) {
      const position = new Map(Array.from(ids, (id, i) => [id, i]));
      for (const id of definite) {
        const at = position.get(id) ?? 0;
        flags[at] = (flags[at] ?? 0) | DEFINITE_TERM;
      }
    }
    return { strings: this.countedStrings, terms, forms, counts: Uint8Array.from(counts), flags };
  }

  /**
   * Takes the counts of a post as `count` gave them, as if its body were
   * counted here. They join the index only when it is first read: a build
   * whose output is in place relates nothing and never pays for them. The
   * order they join in does not matter: ids are renumbered before ranking,
   * and a term's form is the least by `preferredForm` whatever the order.
   */
  addCounted(post: Pick<CountedText, 'sourcePath' | 'lang'>, counted: PostTerms): void {
    this.byPath.delete(post.sourcePath);
    this.pending.set(post.sourcePath, { lang: post.lang, counted });
    this.takenFrom.set(post.sourcePath, new WeakRef(counted));
  }

  /**
   * Every counted post not taken in yet, taken in: done by the first read of
   * the index, or beforehand by a caller with time to spare (the daemon's
   * build thread, idle after a build that related nothing).
   */
  settle(): void {
    if (this.pending.size === 0) return;
    for (const [sourcePath, { lang, counted }] of this.pending) this.takeCounted({ sourcePath, lang }, counted);
    this.pending.clear();
  }

  private takeCounted(post: Pick<CountedText, 'sourcePath' | 'lang'>, counted: PostTerms): void {
    const { ids: known, formOf } = this.idsOfStrings(counted.strings, post.lang);
    const length = counted.terms.length;
    if (this.touched.length < length) this.grow(length);
    // Scratch space, copied into the arenas below.
    const ids = this.touched;
    const definite = this.definiteIds;
    let definiteCount = 0;
    for (let i = 0; i < length; i++) {
      const text = counted.terms[i] ?? 0;
      const formAt = counted.forms[i] ?? 0;
      const flags = counted.flags[i] ?? 0;
      let id = known[text] ?? -1;
      if (id < 0) {
        id = this.termId(post.lang, counted.strings[text] ?? '', counted.strings[formAt] ?? '', (flags & ARABIC_TERM) !== 0);
        known[text] = id;
        formOf[formAt] = id;
      } else if (formOf[formAt] !== id) {
        // A form is weighed against its term's once: the archive writes the same few forms of a term thousands of times.
        formOf[formAt] = id;
        const form = counted.strings[formAt] ?? '';
        if (preferredForm(form, this.form[id] ?? form)) this.form[id] = form;
      }
      ids[i] = id;
      if (flags & DEFINITE_TERM) definite[definiteCount++] = id;
    }
    this.byPath.set(post.sourcePath, {
      ids: this.ints(ids.subarray(0, length)),
      counts: this.bytes(counted.counts),
      definite: definiteCount > 0 ? this.ints(definite.subarray(0, definiteCount)) : NO_IDS,
    });
  }

  /**
   * For a string table that many posts' counts share, per language: the term
   * id of each text (-1: not yet), and the term each form was last weighed
   * against as a way of writing it (-1: none yet).
   */
  private readonly tableIds = new WeakMap<readonly string[], Map<string, { readonly ids: Int32Array; readonly formOf: Int32Array }>>();

  private idsOfStrings(strings: readonly string[], lang: string): { readonly ids: Int32Array; readonly formOf: Int32Array } {
    let byLang = this.tableIds.get(strings);
    if (!byLang) this.tableIds.set(strings, (byLang = new Map()));
    let table = byLang.get(lang);
    if (!table) byLang.set(lang, (table = { ids: new Int32Array(strings.length).fill(-1), formOf: new Int32Array(strings.length).fill(-1) }));
    return table;
  }

  /** The counts of a post given to `add`. */
  of(post: Pick<CountedText, 'sourcePath'>): TermCounts {
    this.settle();
    const counts = this.byPath.get(post.sourcePath);
    // A post relating without its terms would silently lose all text similarity.
    if (!counts) throw new Error(`no term counts for ${post.sourcePath}: the loader counts every valid post`);
    return counts;
  }

  /**
   * Lets go of the counts of every path but `paths` (the files listed now):
   * an index kept from build to build (the daemon's) would otherwise hold
   * the counts of every post file deleted or renamed while it runs.
   */
  keepOnly(paths: ReadonlySet<string>): void {
    for (const held of [this.byPath, this.pending, this.takenFrom]) {
      for (const path of held.keys()) if (!paths.has(path)) held.delete(path);
    }
  }

  /** Whether the counts of a post are those `counted` holds, as `addCounted` took them. */
  holds(post: Pick<CountedText, 'sourcePath'>, counted: PostTerms): boolean {
    return this.takenFrom.get(post.sourcePath)?.deref() === counted;
  }

  get size(): number {
    this.settle();
    return this.text.length;
  }

  // One accessor per field rather than an object per term: ranking reads hundreds of thousands of them.
  /** A term's text: its stem. */
  textOf(id: number): string {
    return this.text[id] ?? '';
  }

  langOf(id: number): string {
    return this.lang[id] ?? '';
  }

  /** How the term is shown: its shortest surface form. */
  formOf(id: number): string {
    return this.form[id] ?? '';
  }

  isArabic(id: number): boolean {
    return this.arabic[id] ?? false;
  }

  /** The id of a term, by language and text. */
  idFor(lang: string, term: string): number | undefined {
    this.settle();
    return this.idOf.get(`${lang}\u0000${term}`);
  }

  private tableFor(lang: string): WordTable {
    let table = this.words.get(lang);
    if (!table) {
      table = new WordTable();
      this.words.set(lang, table);
    }
    return table;
  }

  /** The index of a spelling not met before in its language. */
  private spellingOf(word: string, lang: string): number {
    const analysed = analyseWord(word);
    this.spellingForm.push(analysed?.form ?? '');
    if (!analysed) return this.spellingValue.push(NOT_A_TERM) - 1;
    const id = this.termId(lang, analysed.term, analysed.form, analysed.arabic);
    return this.spellingValue.push((id << 1) | (analysed.definite ? 1 : 0)) - 1;
  }

  /** The id of a term, numbered now if it is new; `form` becomes how it is shown when it is the shortest yet. */
  private termId(lang: string, term: string, form: string, arabic: boolean): number {
    const key = `${lang}\u0000${term}`;
    let id = this.idOf.get(key);
    if (id === undefined) {
      id = this.text.length;
      this.idOf.set(key, id);
      this.text.push(term);
      this.lang.push(lang);
      this.arabic.push(arabic);
      this.form.push(form);
    } else if (preferredForm(form, this.form[id] ?? form)) {
      this.form[id] = form;
    }
    return id;
  }

  /** The counts of the `length` terms gathered in the scratch space, as views of more scratch space; the gathering space is left cleared. */
  private take(length: number): TermCounts {
    const { counts, definiteSeen, definiteIds } = this;
    const ids = this.touched.subarray(0, length);
    if (this.countBytes.length < length) this.countBytes = new Uint8Array(length * 2);
    const bytes = this.countBytes;
    let definiteCount = 0;
    for (let i = 0; i < length; i++) {
      const id = ids[i] ?? 0;
      bytes[i] = Math.min(MAX_COUNT, counts[id] ?? 0);
      if (definiteSeen[id] === 1) definiteIds[definiteCount++] = id;
      counts[id] = 0;
      definiteSeen[id] = 0;
    }
    return { ids, counts: bytes.subarray(0, length), definite: definiteIds.subarray(0, definiteCount) };
  }

  private grow(size: number): void {
    const length = Math.max(size, this.counts.length * 2);
    this.counts = resized(this.counts, length, Int32Array);
    this.definiteSeen = resized(this.definiteSeen, length, Uint8Array);
    this.touched = resized(this.touched, length, Int32Array);
    this.definiteIds = resized(this.definiteIds, length, Int32Array);
  }
}

/** A longer copy of `array`. */
function resized<A extends Int32Array | Uint8Array>(array: A, length: number, make: new (length: number) => A): A {
  const grown = new make(length);
  grown.set(array);
  return grown;
}

/**
 * A numbering of the terms that `versions` use (the live ones: what is not
 * published never shapes what is), by language and then by text, so that
 * ties between terms are broken the same way whatever order the files were
 * read in. Read a version under it with `CanonicalCounts`.
 *
 * One-letter Arabic prefixes (و ف ب ك ل) are resolved here, as they need the
 * whole set: a stem loses its first letter when what remains is a stem some
 * version writes with the definite article and the stem itself never is, so
 * بمحاكم joins محاكم while لاجئ (from لاجئون, also seen as اللاجئون) stays whole.
 */
export function canonicalTerms(index: TermIndex, versions: readonly TermCounts[]): CanonicalTerms {
  const size = index.size;
  const used = new Uint8Array(size);
  const definite = new Uint8Array(size);
  for (const version of versions) {
    for (const id of version.ids) used[id] = 1;
    for (const id of version.definite) definite[id] = 1;
  }

  // The term each used term counts as, before renumbering.
  const target = new Int32Array(size).fill(-1);
  const targets: number[] = [];
  for (let id = 0; id < size; id++) {
    if (used[id] !== 1) continue;
    target[id] = id;
    if (index.isArabic(id) && definite[id] !== 1) {
      const [lang, text] = [index.langOf(id), index.textOf(id)];
      const isDefiniteStem = (candidate: string): boolean => {
        const other = index.idFor(lang, candidate);
        return other !== undefined && definite[other] === 1;
      };
      const stem = stripLetterPrefixes(text, isDefiniteStem);
      if (stem !== text) target[id] = index.idFor(lang, stem) ?? id;
    }
  }
  for (let id = 0; id < size; id++) if (target[id] === id) targets.push(id);

  targets.sort((a, b) => compareTerms(index, a, b));
  const rank = new Int32Array(size).fill(-1);
  targets.forEach((id, canonicalId) => (rank[id] = canonicalId));

  const forms = new Array<string>(targets.length).fill('');
  const canonicalOf = new Int32Array(size).fill(-1);
  for (let id = 0; id < size; id++) {
    const to = target[id] ?? -1;
    if (to < 0) continue;
    const canonicalId = rank[to] ?? 0;
    canonicalOf[id] = canonicalId;
    const form = index.formOf(id);
    const current = forms[canonicalId] ?? '';
    if (current === '' || preferredForm(form, current)) forms[canonicalId] = form;
  }

  return { canonicalOf, forms };
}

/**
 * A version's counts under canonical ids, with the terms that became one
 * merged. Ranking reads each version through one of these, rather than
 * keeping a renumbered copy of every version beside the index.
 */
export class CanonicalCounts {
  /** Canonical ids of the version last read, valid up to `length`. */
  ids = new Int32Array(1024);
  /** Their weighted occurrences, at most MAX_COUNT. */
  counts = new Int32Array(1024);
  length = 0;
  private readonly sums: Int32Array;

  constructor(private readonly canonical: CanonicalTerms) {
    this.sums = new Int32Array(canonical.forms.length);
  }

  read(version: TermCounts): this {
    if (this.ids.length < version.ids.length) {
      this.ids = new Int32Array(version.ids.length * 2);
      this.counts = new Int32Array(version.ids.length * 2);
    }
    const { ids, counts, sums } = this;
    const { canonicalOf } = this.canonical;
    let length = 0;
    for (let i = 0; i < version.ids.length; i++) {
      const id = canonicalOf[version.ids[i] ?? 0] ?? 0;
      const before = sums[id] ?? 0;
      if (before === 0) ids[length++] = id;
      sums[id] = before + (version.counts[i] ?? 0);
    }
    for (let i = 0; i < length; i++) {
      const id = ids[i] ?? 0;
      counts[i] = Math.min(MAX_COUNT, sums[id] ?? 0);
      sums[id] = 0;
    }
    this.length = length;
    return this;
  }
}

/** By language, then by text. */
function compareTerms(index: TermIndex, a: number, b: number): number {
  const [x, y] = [index.langOf(a), index.langOf(b)];
  if (x !== y) return x < y ? -1 : 1;
  const [p, q] = [index.textOf(a), index.textOf(b)];
  return p < q ? -1 : p > q ? 1 : 0;
}

/** A shorter surface form displays a term better; equal lengths by code point order, so the choice never depends on input order. */
function preferredForm(candidate: string, current: string): boolean {
  return candidate.length < current.length || (candidate.length === current.length && candidate < current);
}
