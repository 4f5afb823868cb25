import { stemmer as porterStemmer } from '@orama/stemmers/english';

/**
 * Text normalisation for relatedness: words in, comparable terms out.
 *
 * Arabic: diacritics, Quranic marks and tatweel removed; alef forms, alef
 * maqsura/ya and ta marbuta/ha unified; Arabic-Indic digits mapped to ASCII;
 * then a light stemmer (after Larkey's Light10) for the definite article,
 * attached conjunctions and prepositions, and common suffixes.
 * English (and any Latin-script word): case folding, stop words and the
 * Porter stemmer of `@orama/stemmers`.
 *
 * A word's treatment follows its script, not the post's language, so an
 * English name quoted in an Arabic post is folded like English.
 */

// ---------------------------------------------------------------- characters

/** U+064B–U+065F harakat and other combining marks, U+0670 superscript alef, Quranic annotation marks. */
function isArabicMark(code: number): boolean {
  return (
    (code >= 0x064b && code <= 0x065f) ||
    code === 0x0670 ||
    (code >= 0x0610 && code <= 0x061a) ||
    (code >= 0x06d6 && code <= 0x06dc) ||
    (code >= 0x06df && code <= 0x06e8) ||
    (code >= 0x06ea && code <= 0x06ed)
  );
}

const TATWEEL = 0x0640;
const ALEF = 0x0627;
const YA = 0x064a;
const HA = 0x0647;
const KAF = 0x0643;

/** Characters replaced by another (alef forms, alef maqsura, ta marbuta, Persian ya/kaf, digits). */
const ARABIC_FOLD = new Map<number, number>([
  [0x0622, ALEF], // آ
  [0x0623, ALEF], // أ
  [0x0625, ALEF], // إ
  [0x0671, ALEF], // ٱ alef wasla
  [0x0672, ALEF],
  [0x0673, ALEF],
  [0x0649, YA], // ى alef maqsura
  [0x06cc, YA], // ی Persian ya, common with Persian keyboards
  [0x0629, HA], // ة ta marbuta
  [0x06a9, KAF], // ک keheh
]);
for (let digit = 0; digit <= 9; digit++) {
  ARABIC_FOLD.set(0x0660 + digit, 0x30 + digit); // Arabic-Indic ٠–٩
  ARABIC_FOLD.set(0x06f0 + digit, 0x30 + digit); // Extended Arabic-Indic ۰–۹
}

/**
 * Arabic orthographic normalisation of any text (words, tags, categories):
 * removes diacritics and tatweel, unifies alef forms to ا, ى to ي, ة to ه and
 * maps Arabic-Indic digits to ASCII. Other characters are kept as they are.
 */
export function normalizeArabic(text: string): string {
  // Presentation forms (ﻻ, ﺍ …) decompose to ordinary letters under NFKC.
  const source = /[\uFB50-\uFDFF\uFE70-\uFEFF]/.test(text) ? text.normalize('NFKC') : text;
  let out = '';
  let changed = false;
  for (let i = 0; i < source.length; i++) {
    const code = source.charCodeAt(i);
    if (code < 0x0600 || code > 0x06ff) {
      out += source[i];
      continue;
    }
    if (code === TATWEEL || isArabicMark(code)) {
      changed = true;
      continue;
    }
    const folded = ARABIC_FOLD.get(code);
    if (folded !== undefined) {
      changed = true;
      out += String.fromCharCode(folded);
    } else out += source[i];
  }
  return changed || source !== text ? out : text;
}

function isArabicLetter(code: number): boolean {
  return (code >= 0x0600 && code <= 0x06ff) || (code >= 0x0750 && code <= 0x077f) || (code >= 0x08a0 && code <= 0x08ff) || (code >= 0xfb50 && code <= 0xfdff) || (code >= 0xfe70 && code <= 0xfeff);
}

export function hasArabicScript(word: string): boolean {
  for (let i = 0; i < word.length; i++) if (isArabicLetter(word.charCodeAt(i))) return true;
  return false;
}

// ---------------------------------------------------------------- Arabic stemmer

/** The definite article alone or after a conjunction or preposition; the longest match is removed. */
const ARTICLE_PREFIXES = ['وال', 'بال', 'كال', 'فال', 'لل', 'ال'];
/** One-letter conjunctions and prepositions (and, then, with/by, like, for). */
const LETTER_PREFIXES = new Set(['و', 'ف', 'ب', 'ك', 'ل']);
/**
 * Suffixes in the order they attach from the outside in: at most one of each
 * group is removed, and only while at least three letters remain. Written
 * after normalisation, so ة is ه and ية is يه.
 */
const SUFFIX_GROUPS: readonly (readonly string[])[] = [
  ['ها', 'هم', 'هن', 'كم', 'نا'], // attached pronouns
  ['ات', 'ون', 'ين', 'ان'], // plural and dual
  ['يه'], // nisba adjective, feminine
  ['ه'], // ta marbuta, or the pronoun "his"
  ['ي'], // nisba adjective
];
const MIN_STEM = 3;

export interface ArabicCore {
  /** The word without its definite article and suffixes; one-letter prefixes still attached. */
  readonly core: string;
  /** Whether a definite article was removed, which shows that `core` is the stem of a noun. */
  readonly definite: boolean;
}

/**
 * The safe part of Arabic stemming, for a normalised word: the definite
 * article (with an attached و ب ك ف or as لل) and suffixes. A one-letter
 * prefix is left in place, because و ف ب ك ل also begin many words (وزارة،
 * فريق، بيان، لاجئ); `stemArabic` decides about it.
 */
export function arabicCore(word: string): ArabicCore {
  let core = word;
  let definite = false;
  for (const prefix of ARTICLE_PREFIXES) {
    if (core.startsWith(prefix) && core.length - prefix.length >= MIN_STEM) {
      core = core.slice(prefix.length);
      definite = true;
      break;
    }
  }
  for (const group of SUFFIX_GROUPS) {
    for (const suffix of group) {
      if (core.endsWith(suffix) && core.length - suffix.length >= MIN_STEM) {
        core = core.slice(0, -suffix.length);
        break;
      }
    }
  }
  return { core, definite };
}

/**
 * Removes one-letter prefixes (و ف ب ك ل; two of them, as in وبمحاكمة) from
 * a stem when `isStem` accepts what remains and at least three letters remain;
 * the longer removal is tried first.
 */
export function stripLetterPrefixes(stem: string, isStem: (candidate: string) => boolean): string {
  if (stem.length - 1 < MIN_STEM || !LETTER_PREFIXES.has(stem.charAt(0))) return stem;
  const rest = stem.slice(1);
  if (rest.length - 1 >= MIN_STEM && LETTER_PREFIXES.has(rest.charAt(0)) && isStem(rest.slice(1))) return rest.slice(1);
  return isStem(rest) ? rest : stem;
}

/** The alef that carries an accusative tanwin (صحفيًا، صحفياً) is an ending, not part of the stem. */
function withoutTanwinAlef(word: string): string {
  return /(?:\u064B\u0627|\u0627\u064B)$/.test(word) ? word.slice(0, -2) : word;
}

/**
 * Light stem of one Arabic word: normalised, definite article and suffixes
 * removed, keeping at least three letters. A one-letter prefix is removed
 * when `knownStems` (stems seen with the definite article, so known nouns)
 * contains what remains and not the word itself; without a lexicon, when at
 * least four letters remain. (The relatedness index applies the same rule
 * with the stems its published articles write with ال: see `canonicalTerms`.)
 */
export function stemArabic(word: string, knownStems?: ReadonlySet<string>): string {
  const { core, definite } = arabicCore(normalizeArabic(withoutTanwinAlef(word)));
  if (definite) return core;
  if (knownStems) return knownStems.has(core) ? core : stripLetterPrefixes(core, (rest) => knownStems.has(rest));
  return stripLetterPrefixes(core, (rest) => rest.length >= 4);
}

// ---------------------------------------------------------------- English

/** Porter stemmer (M. F. Porter, 1980) as packaged by `@orama/stemmers`. */
export function stemEnglish(word: string): string {
  return porterStemmer(word.toLowerCase());
}

/** The Snowball project's English stop-word list, plus a few reporting verbs and modals. */
export const ENGLISH_STOP_WORDS: ReadonlySet<string> = new Set(
  `i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her hers
  herself it its itself they them their theirs themselves what which who whom this that these those am is are
  was were be been being have has had having do does did doing would should could ought a an the and but if
  or because as until while of at by for with about against between into through during before after above
  below to from up down in out on off over under again further then once here there when where why how all
  any both each few more most other some such no nor not only own same so than too very can will just also
  may might must shall us per via upon within without among however since`
    .split(/\s+/)
    .filter((word) => word.length > 0),
);

/** Arabic function words (prepositions, pronouns, demonstratives, particles), stored normalised. */
export const ARABIC_STOP_WORDS: ReadonlySet<string> = new Set(
  `في من إلى على عن مع أن إن أو أم ما لا لم لن ليس ليست هذا هذه ذلك تلك هؤلاء أولئك الذي التي الذين
  اللذين اللتين اللواتي اللاتي هو هي هم هن هما نحن أنا أنت أنتم أنتن كان كانت كانوا يكون تكون قد ثم حتى
  إذا إذ لقد لكن بل كل بعض غير أي أية كما منذ خلال بعد قبل لدى عند عندما حيث حين بين ضد دون نحو إلا سوف
  كيف أين متى لماذا هل تم يتم أيضا أما أمام فيه فيها منه منها عليه عليها إليه إليها عنه عنها به بها له لها
  لهم بهم منهم عليهم فيهم أنه أنها لأن لأنه كي ذات هناك هنا كذلك مثل حول جميع أحد إحدى سوى بينما عدم وفق
  وفقا لدي ضمن عبر تجاه مما عما ممن كلا كلتا`
    .split(/\s+/)
    .filter((word) => word.length > 0)
    .map(normalizeArabic),
);

// ---------------------------------------------------------------- tokens

/** 1 for characters that belong to a word: letters, combining marks, decimal digits (BMP). */
const WORD_CHAR = new Uint8Array(0x10000);
{
  const wordLike = /[\p{L}\p{M}\p{Nd}]/u;
  for (let code = 0; code < 0x10000; code++) {
    if (code >= 0xd800 && code <= 0xdfff) continue;
    if (wordLike.test(String.fromCharCode(code))) WORD_CHAR[code] = 1;
  }
}

/**
 * Link targets and bare URLs of Markdown, whose host and path words say
 * nothing about the topic. A target stops at a bracket or parenthesis: one
 * that ran on to the next `)` took, from every `](` of a text without one,
 * the rest of the text, so that 80,000 unclosed `[x](` (320 kB) took 25 s to
 * count and a 2 MB post held the build for minutes.
 */
const URLS = /\]\([^()[\]\s]*(?:\s+"[^"]*")?\)|<?https?:\/\/[^\s)>\]]+>?/g;

/** Markdown link targets and bare URLs replaced by a space. */
export function withoutUrls(text: string): string {
  return text.includes('://') || text.includes('](') ? text.replace(URLS, ' ') : text;
}

/**
 * Calls `visit(source, start, end, hash1, hash2)` for every word of `source`:
 * each maximal run of letters, marks and digits, with two independent 32-bit
 * hashes of its UTF-16 code units. A hand-written scanner that allocates
 * nothing: an order of magnitude faster than `Intl.Segmenter` and several
 * times faster than a Unicode regex, which matters at archive scale (tens of
 * millions of words).
 */
export function scanWords(source: string, visit: (source: string, start: number, end: number, hash1: number, hash2: number) => void): void {
  let start = -1;
  let hash1 = 0;
  let hash2 = 0;
  for (let i = 0; i < source.length; i++) {
    const code = source.charCodeAt(i);
    if (WORD_CHAR[code] === 1) {
      if (start < 0) {
        start = i;
        hash1 = 0x811c9dc5;
        hash2 = 0x9747b28c;
      }
      hash1 = Math.imul(hash1 ^ code, 0x01000193); // FNV-1a
      hash2 = Math.imul(hash2 + code, 0x5bd1e995) ^ (hash2 >>> 15); // murmur-style mix
    } else if (start >= 0) {
      visit(source, start, i, hash1, hash2);
      start = -1;
    }
  }
  if (start >= 0) visit(source, start, source.length, hash1, hash2);
}

/** Calls `visit` with every word of `text` (see `scanWords`), Markdown link targets and URLs left out. */
export function forEachWord(text: string, visit: (word: string) => void): void {
  scanWords(withoutUrls(text), (source, start, end) => visit(source.slice(start, end)));
}

/**
 * A hash table from words to numbers, keyed by the two hashes of `scanWords`
 * and the length: a word is looked up without making a string of it. Two
 * different words share a key with probability about n² / 2^65 (1e-9 for the
 * 300,000 distinct words of a large archive); they would then count as one.
 */
export class WordTable {
  private slots = new Int32Array(1 << 12).fill(-1);
  private keys = new Int32Array(3 << 11);
  private values = new Int32Array(1 << 11);
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** The value of a word, or undefined. */
  get(hash1: number, hash2: number, length: number): number | undefined {
    const mask = this.slots.length - 1;
    for (let slot = hash1 & mask; ; slot = (slot + 1) & mask) {
      const entry = this.slots[slot] ?? -1;
      if (entry < 0) return undefined;
      const at = entry * 3;
      if (this.keys[at] === hash1 && this.keys[at + 1] === hash2 && this.keys[at + 2] === length) return this.values[entry];
    }
  }

  /** Adds a word that `get` did not find. */
  set(hash1: number, hash2: number, length: number, value: number): void {
    if ((this.count + 1) * 2 > this.slots.length) this.grow();
    const entry = this.count++;
    if (entry >= this.values.length) {
      const keys = new Int32Array(this.keys.length * 2);
      keys.set(this.keys);
      this.keys = keys;
      const values = new Int32Array(this.values.length * 2);
      values.set(this.values);
      this.values = values;
    }
    this.keys[entry * 3] = hash1;
    this.keys[entry * 3 + 1] = hash2;
    this.keys[entry * 3 + 2] = length;
    this.values[entry] = value;
    this.place(entry);
  }

  private place(entry: number): void {
    const mask = this.slots.length - 1;
    let slot = (this.keys[entry * 3] ?? 0) & mask;
    while ((this.slots[slot] ?? -1) >= 0) slot = (slot + 1) & mask;
    this.slots[slot] = entry;
  }

  private grow(): void {
    this.slots = new Int32Array(this.slots.length * 2).fill(-1);
    for (let entry = 0; entry < this.count; entry++) this.place(entry);
  }
}

/** What a word becomes: its normalised surface form and term, or undefined for stop words and numbers. */
export interface AnalysedWord {
  /** Normalised word (lower case, Arabic without diacritics), used to display a term. */
  readonly form: string;
  /** Stem. For Arabic, one-letter prefixes are still attached (see `arabicCore`). */
  readonly term: string;
  readonly arabic: boolean;
  /** For Arabic: the definite article was removed. */
  readonly definite: boolean;
}

function isNumber(word: string): boolean {
  for (let i = 0; i < word.length; i++) {
    const code = word.charCodeAt(i);
    if (code < 0x30 || code > 0x39) return false;
  }
  return true;
}

/**
 * Normalises and stems one word. Stop words, numbers and words of one
 * letter give undefined.
 */
export function analyseWord(word: string): AnalysedWord | undefined {
  if (hasArabicScript(word)) {
    const form = normalizeArabic(withoutTanwinAlef(word));
    if (form.length < 2 || isNumber(form) || ARABIC_STOP_WORDS.has(form)) return undefined;
    // و or ف before a function word: وفي، ولم، فإن.
    if ((form.startsWith('و') || form.startsWith('ف')) && ARABIC_STOP_WORDS.has(form.slice(1))) return undefined;
    const { core, definite } = arabicCore(form);
    return { form, term: core, arabic: true, definite };
  }
  const form = word.toLowerCase();
  if (form.length < 2 || isNumber(form) || ENGLISH_STOP_WORDS.has(form)) return undefined;
  return { form, term: porterStemmer(form), arabic: false, definite: false };
}

/**
 * The terms of a text, in order: what the relatedness index compares. Arabic
 * one-letter prefixes are decided with the default rule of `stemArabic`
 * (the index decides with the archive's own lexicon instead).
 */
export function terms(text: string): string[] {
  const result: string[] = [];
  forEachWord(text, (word) => {
    const analysed = analyseWord(word);
    if (!analysed) return;
    result.push(analysed.arabic && !analysed.definite ? stripLetterPrefixes(analysed.term, (rest) => rest.length >= 4) : analysed.term);
  });
  return result;
}

/** A tag or category name as compared: trimmed, case-folded, Arabic normalised, spaces collapsed. */
export function normalizeLabel(label: string): string {
  return normalizeArabic(label.normalize('NFC')).toLowerCase().replace(/\s+/g, ' ').trim();
}
