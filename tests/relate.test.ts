import { describe, expect, it } from 'vitest';
import type { Post } from '../src/model.js';
import { normalizeArabic, normalizeLabel, stemArabic, stemEnglish, terms } from '../src/relate/normalize.js';
import {
  articleKey,
  explainRelated,
  groupArticles,
  relateArticles,
  versionFor,
  type Article,
  type ExplainedRelation,
  type RelateOptions,
  type Relation,
} from '../src/relate/related.js';
import { TermIndex } from '../src/relate/terms.js';
import { TopK } from '../src/relate/topk.js';

// ---------------------------------------------------------------- fixtures

interface PostSpec {
  readonly lang?: string;
  readonly slug: string;
  readonly title: string;
  readonly body?: string;
  readonly summary?: string;
  readonly date?: string;
  readonly tags?: readonly string[];
  readonly categories?: readonly string[];
  readonly translationKey?: string;
}

/** Each post's body, counted by `termsOf` as the loader counts it. */
const BODIES = new WeakMap<Post, string>();

/** Term counts of `posts` taken as the loader takes them, in the order given (as files may be read in any order). */
function termsOf(posts: Iterable<Post>): TermIndex {
  const terms = new TermIndex();
  for (const p of posts) terms.add(p, BODIES.get(p) ?? '');
  return terms;
}

function post(spec: PostSpec): Post {
  const lang = spec.lang ?? 'en';
  const url = `https://wahat.example.org/${lang}/posts/${spec.slug}/`;
  const made: Post = {
    sourcePath: `posts/${lang}/${spec.slug}.md`,
    lang,
    slug: spec.slug,
    id: url,
    url,
    title: spec.title,
    date: new Date(spec.date ?? '2026-01-01T00:00:00Z'),
    translationKey: spec.translationKey,
    summaryMarkdown: spec.summary,
    summaryHtml: '',
    summaryText: '',
    wordCount: 0,
    sourceHash: '',
    contentHash: '',
    categories: (spec.categories ?? []).map((path) => path.split('/')),
    tags: spec.tags ?? [],
    authors: [],
    draft: false,
    positions: {},
  };
  BODIES.set(made, spec.body ?? '');
  return made;
}

/** Text that shares no word with any other filler text. */
function filler(seed: number): string {
  return Array.from({ length: 12 }, (_, i) => `zq${seed}x${i}`).join(' ');
}

type TestOptions = Omit<RelateOptions, 'terms'>;

interface Related {
  readonly articles: Article[];
  readonly relations: Map<string, Relation[]>;
  /** One post's list with the reasons, checked to rank exactly as `relations` does. */
  explained(p: Post): ExplainedRelation[];
}

function relate(posts: readonly Post[], count = 5, options: TestOptions = {}): Related {
  const articles = groupArticles(posts);
  const terms = termsOf(posts);
  const relations = relateArticles(articles, count, { ...options, terms });
  const explained = (p: Post): ExplainedRelation[] => {
    const list = explainRelated(articles, articleKey(p), count, { ...options, terms }) ?? [];
    expect(list.map(({ article, score, pinned }) => ({ article, score, pinned }))).toEqual(relations.get(articleKey(p)));
    return list;
  };
  return { articles, relations, explained };
}

function slugsOf(relations: readonly Relation[] | undefined, lang = 'en'): string[] {
  return (relations ?? []).map((relation) => versionFor(relation.article, lang).slug);
}

function listOf(relations: Map<string, Relation[]>, p: Post): Relation[] {
  return relations.get(articleKey(p)) ?? [];
}

// ---------------------------------------------------------------- normalisation

describe('Arabic normalisation', () => {
  it('removes harakat, shadda, sukun, tanwin and the superscript alef', () => {
    expect(normalizeArabic('مُحَمَّدٌ')).toBe('محمد');
    expect(normalizeArabic('مُعْتَقَلِينَ')).toBe('معتقلين');
    expect(normalizeArabic('هٰذا')).toBe('هذا');
  });

  it('removes Quranic annotation marks and tatweel', () => {
    expect(normalizeArabic('قالۖ')).toBe('قال');
    expect(normalizeArabic('العـــدالة')).toBe('العداله');
  });

  it('unifies alef forms, alef maqsura with ya and ta marbuta with ha', () => {
    expect(normalizeArabic('أحمد إسلام آمال ٱلله')).toBe('احمد اسلام امال الله');
    expect(normalizeArabic('مستشفى')).toBe('مستشفي');
    expect(normalizeArabic('محكمة')).toBe('محكمه');
  });

  it('maps Arabic-Indic and Extended Arabic-Indic digits to ASCII', () => {
    expect(normalizeArabic('قانون رقم ١٤ لسنة ٢٠٢٥')).toBe('قانون رقم 14 لسنه 2025');
    expect(normalizeArabic('۱۴۰۳')).toBe('1403');
  });

  it('leaves Latin text alone', () => {
    expect(normalizeArabic('Al-Rimal prison, 2026')).toBe('Al-Rimal prison, 2026');
  });

  it('normalises tags and categories the same way, with case folding', () => {
    expect(normalizeLabel('  Freedom  of Expression ')).toBe('freedom of expression');
    expect(normalizeLabel('حُرّيّة التعبير')).toBe(normalizeLabel('حرية التعبير'));
  });
});

describe('Arabic light stemmer', () => {
  it('gives one stem to a word family: article, prepositions, plural and nisba endings', () => {
    const family = ['الصحفيين', 'الصحفي', 'صحفيون', 'بالصحفيين', 'للصحفيين', 'والصحفيين', 'صحفيًا', 'الصحفية', 'الصحفيات'];
    expect(new Set(family.map((word) => stemArabic(word)))).toEqual(new Set(['صحف']));
  });

  it('strips the definite article with an attached conjunction or preposition', () => {
    expect(stemArabic('المحاكمة')).toBe('محاكم');
    expect(stemArabic('والمحاكمات')).toBe('محاكم');
    expect(stemArabic('بالسجن')).toBe('سجن');
    expect(stemArabic('كالعادة')).toBe('عاد');
    expect(stemArabic('فالقانون')).toBe(stemArabic('القانون'));
  });

  it('strips plural, dual and pronoun suffixes', () => {
    expect(stemArabic('المحامون')).toBe('محام');
    expect(stemArabic('المحامين')).toBe('محام');
    expect(stemArabic('احتجازهم')).toBe('احتجاز');
    expect(stemArabic('السلطات')).toBe('سلط');
  });

  it('keeps at least three letters', () => {
    expect(stemArabic('بيان')).toBe('بيان');
    expect(stemArabic('سجن')).toBe('سجن');
    expect(stemArabic('الحق')).toBe('الحق');
  });

  it('strips a one-letter prefix only when what remains is a known stem', () => {
    const lexicon = new Set(['محاكم', 'حقوق']);
    expect(stemArabic('بمحاكمة', lexicon)).toBe('محاكم');
    expect(stemArabic('وبمحاكمة', lexicon)).toBe('محاكم');
    expect(stemArabic('وحقوق', lexicon)).toBe('حقوق');
    // لاجئون begins with ل, but اجئ is no word: it stays whole.
    expect(stemArabic('لاجئون', lexicon)).toBe('لاجئ');
    expect(stemArabic('بيان', lexicon)).toBe('بيان');
  });

  it('without a lexicon, strips a one-letter prefix when at least four letters remain', () => {
    expect(stemArabic('بمحاكمة')).toBe('محاكم');
    expect(stemArabic('وبمحاكمة')).toBe('محاكم');
    expect(stemArabic('لاجئون')).toBe('لاجئ');
  });
});

describe('English normalisation', () => {
  it('stems plurals and verb forms with the Porter stemmer', () => {
    expect(new Set(['arrest', 'arrests', 'arrested', 'arresting'].map(stemEnglish))).toEqual(new Set(['arrest']));
    expect(stemEnglish('journalists')).toBe(stemEnglish('journalist'));
    expect(stemEnglish('authorities')).toBe(stemEnglish('authority'));
    expect(stemEnglish('protesters')).toBe(stemEnglish('protests'));
  });

  it('folds case and drops stop words and numbers', () => {
    expect(terms('The JOURNALISTS were arrested in 2026 and are still held')).toEqual(['journalist', 'arrest', 'still', 'held']);
  });

  it('ignores Markdown link targets and bare URLs', () => {
    expect(terms('See our [report](https://wahat.example.org/en/reports/torture/) and https://example.net/x')).toEqual(['see', 'report']);
    expect(terms('A [relative link](../reports/torture.html "the report") and a [page](https://example.org/wiki/Detention_(law))')).toEqual(terms('A relative link and a page'));
  });

  // Each `](` of this text once looked for its `)` to the end of the text: 80,000 of them took 25 s, 450,000 (a post
  // within limits.fileBytes) minutes. Counted in one pass, it takes milliseconds: the test's time limit is the check.
  it('counts a body of half a million unclosed link openings in one pass', () => {
    const index = new TermIndex();
    index.add({ sourcePath: 'posts/en/links.md', lang: 'en', title: 'Links' }, `${'[x]('.repeat(450_000)} detention`);
    const counted = index.of({ sourcePath: 'posts/en/links.md' });
    expect(Array.from(counted.ids, (id) => index.textOf(id)).sort()).toEqual(terms('Links detention').sort());
  }, 5_000);
});

describe('Arabic terms', () => {
  it('drops function words, also after و or ف', () => {
    expect(terms('وقال إن السلطات في المدينة وفي القرى')).toEqual(['وقال', 'سلط', 'مدين', 'قري']);
  });

  it('treats each word by its script, so English names in Arabic text are folded like English', () => {
    expect(terms('تقرير Amnesty عن الصحفيين')).toEqual(['تقرير', 'amnesti', 'صحف']);
  });
});

// ---------------------------------------------------------------- scoring

describe('scoring', () => {
  it('a rare shared tag says more than a common one', () => {
    const posts = [
      post({ slug: 'query', title: filler(0), tags: ['everywhere', 'rare-topic'] }),
      post({ slug: 'rare-sharer', title: filler(1), tags: ['rare-topic'] }),
      post({ slug: 'common-sharer', title: filler(2), tags: ['everywhere'] }),
      post({ slug: 'rare-other', title: filler(3), tags: ['rare-topic', 'x'] }),
      ...Array.from({ length: 30 }, (_, i) => post({ slug: `common-${i}`, title: filler(10 + i), tags: ['everywhere'] })),
    ];
    const { relations } = relate(posts);
    const list = slugsOf(listOf(relations, posts[0] as Post));
    expect(list.indexOf('rare-sharer')).toBeLessThan(list.indexOf('common-sharer') === -1 ? Infinity : list.indexOf('common-sharer'));
    expect(list.slice(0, 2).sort()).toEqual(['rare-other', 'rare-sharer']);
  });

  it('shared deeper category levels count more than the top level alone', () => {
    const posts = [
      post({ slug: 'query', title: filler(0), categories: ['Statements/Joint Statements'] }),
      post({ slug: 'same-sub', title: filler(1), categories: ['Statements/Joint Statements'] }),
      post({ slug: 'same-top', title: filler(2), categories: ['Statements'] }),
      ...Array.from({ length: 6 }, (_, i) => post({ slug: `other-${i}`, title: filler(10 + i), categories: ['Statements/Press Releases'] })),
    ];
    const { explained } = relate(posts);
    const list = explained(posts[0] as Post);
    expect(versionFor((list[0] as Relation).article, 'en').slug).toBe('same-sub');
    expect(list[0]?.reasons.sharedCategories).toEqual(['Statements/Joint Statements']);
  });

  const distractorsEn = [
    post({ slug: 'evictions', title: 'Families evicted from homes in Bab al-Manara', body: 'Bulldozers demolished dozens of houses and families were left without shelter or compensation.' }),
    post({ slug: 'elections', title: 'Municipal elections postponed again', body: 'The electoral commission delayed the vote, citing budget constraints and voter registration problems.' }),
    post({ slug: 'water', title: 'Villages without drinking water for a month', body: 'Residents rely on tanker trucks while the pumping station remains broken and prices rise.' }),
    post({ slug: 'cybercrime', title: 'Cybercrime law threatens online speech', body: 'Vague provisions criminalise posts that insult officials, and platforms must hand over user data.' }),
    post({ slug: 'teachers', title: 'Teachers union leaders face trial', body: 'The union organised a strike over unpaid salaries; its leaders are charged with disrupting public order.' }),
  ];

  it('finds the article on the same subject among distractors (English)', () => {
    const query = post({
      slug: 'hunger-strike',
      title: 'Detainees on hunger strike at Al-Rimal prison',
      body: 'At least twenty detainees have refused food for three weeks to protest prolonged pre-trial detention and the solitary confinement of their fellow prisoners.',
    });
    const target = post({
      slug: 'hunger-strikers-health',
      title: 'Health of Al-Rimal hunger strikers deteriorates',
      summary: 'Doctors warn that striking detainees need urgent care.',
      body: 'Relatives say the prisoners, held in pre-trial detention for over two years, are too weak to stand after weeks of striking.',
    });
    const { relations } = relate([query, target, ...distractorsEn]);
    expect(slugsOf(listOf(relations, query))[0]).toBe('hunger-strikers-health');
  });

  it('finds the article on the same subject among distractors (Arabic, other word forms)', () => {
    const query = post({
      lang: 'ar',
      slug: 'journalists-arrested',
      title: 'اعتقال الصحفيين في مدينة الساحل',
      body: 'اعتقلت قوات الأمن ثلاثة صحفيين بعد نشرهم تحقيقًا عن الفساد في البلدية، ونقلتهم إلى مكان احتجاز مجهول.',
    });
    const target = post({
      lang: 'ar',
      slug: 'journalist-released',
      title: 'الإفراج عن صحفيٍّ معتقل بعد تحقيقه في فساد البلديات',
      body: 'أفرجت النيابة عن الصحفي بكفالة، بينما لا يزال زميلاه رهن الاحتجاز بسبب التحقيقات الصحفية.',
    });
    const distractorsAr = [
      post({ lang: 'ar', slug: 'evictions', title: 'إخلاء عائلات من منازلها في باب المنارة', body: 'هدمت الجرافات عشرات البيوت وتُركت العائلات بلا مأوى أو تعويض.' }),
      post({ lang: 'ar', slug: 'elections', title: 'تأجيل الانتخابات البلدية مرة أخرى', body: 'أرجأت الهيئة الانتخابية التصويت بسبب قيود الميزانية ومشكلات تسجيل الناخبين.' }),
      post({ lang: 'ar', slug: 'water', title: 'قرى بلا مياه شرب منذ شهر', body: 'يعتمد السكان على الصهاريج بينما تبقى محطة الضخ معطلة وترتفع الأسعار.' }),
      post({ lang: 'ar', slug: 'teachers', title: 'محاكمة قادة نقابة المعلمين', body: 'نظمت النقابة إضرابًا بسبب الرواتب غير المدفوعة، ويواجه قادتها تهمة الإخلال بالنظام العام.' }),
    ];
    const list = relate([query, target, ...distractorsAr]).explained(query);
    expect(slugsOf(list, 'ar')[0]).toBe('journalist-released');
    expect(list[0]?.reasons.topTerms.length).toBeGreaterThan(0);
  });

  it('prefers the newer of two equally similar articles (recency half-life)', () => {
    const shared = { body: 'Detainees on hunger strike in Al-Rimal prison demand a judge.', tags: ['detention'] };
    const query = post({ slug: 'query', title: 'Hunger strike enters third week', ...shared, date: '2026-06-01T00:00:00Z' });
    const older = post({ slug: 'older', title: 'Hunger strike enters second week', ...shared, date: '2020-06-01T00:00:00Z' });
    const newer = post({ slug: 'newer', title: 'Hunger strike enters second week', ...shared, date: '2026-05-01T00:00:00Z' });
    for (const order of [[query, older, newer], [query, newer, older]]) {
      const { relations } = relate(order);
      const list = listOf(relations, query);
      expect(slugsOf(list)).toEqual(['newer', 'older']);
      expect((list[0] as Relation).score).toBeGreaterThan((list[1] as Relation).score);
    }
  });

  it('does not let a much newer, weakly similar article beat a strongly similar old one', () => {
    const query = post({
      slug: 'query',
      title: 'Hunger strike at Al-Rimal prison enters third week',
      body: 'Detainees refuse food to protest prolonged pre-trial detention and solitary confinement.',
      tags: ['detention', 'prison conditions'],
      date: '2026-06-01T00:00:00Z',
    });
    const strongOld = post({
      slug: 'strong-old',
      title: 'Hunger strike at Al-Rimal prison',
      body: 'Detainees refuse food in protest at prolonged pre-trial detention and solitary confinement.',
      tags: ['detention', 'prison conditions'],
      date: '2019-01-01T00:00:00Z',
    });
    const weakNew = post({ slug: 'weak-new', title: 'Annual report published', body: 'The report covers detention among many other subjects.', date: '2026-06-01T00:00:00Z' });
    const { relations } = relate([query, strongOld, weakNew, ...distractorsEn]);
    expect(slugsOf(listOf(relations, query))[0]).toBe('strong-old');
  });

  it('measures closeness in time as the days between the two articles, and honours the half-life option', () => {
    const a = post({ slug: 'a', title: 'prison visit', date: '2026-01-11T00:00:00Z' });
    const b = post({ slug: 'b', title: 'prison visit', date: '2026-01-01T00:00:00Z' });
    const own = relate([a, b]);
    expect(own.explained(a)[0]?.reasons.ageDays).toBe(10);
    expect(own.explained(b)[0]?.reasons.ageDays).toBe(10);
    // Without recency (half-life 0) nothing changes either: the score of a pair is the same both ways.
    const flat = relate([a, b], 5, { halfLifeDays: 0 }).relations;
    expect(listOf(flat, a)[0]?.score).toBe(listOf(flat, b)[0]?.score);
  });

  it('does not reorder the lists of articles that a new, later article does not enter', () => {
    // The more similar of two older articles, against a less similar one of the same month: the newer wins on closeness.
    const shared = { tags: ['detention'], date: '2026-01-01T00:00:00Z' };
    const query = post({ slug: 'query', title: 'Hunger strike at Al-Rimal prison enters third week', body: 'Detainees refuse food to protest prolonged pre-trial detention and solitary confinement.', ...shared });
    const strongOld = post({ slug: 'strong-old', title: 'Hunger strike at Al-Rimal prison', body: 'Detainees refuse food to protest prolonged pre-trial detention and solitary confinement.', tags: ['detention'], date: '2016-01-01T00:00:00Z' });
    const weakerRecent = post({ slug: 'weaker-recent', title: 'Hunger strike at Al-Rimal prison continues', body: 'Detainees refuse food to protest prolonged pre-trial detention and ask for a judge.', tags: ['detention'], date: '2025-12-01T00:00:00Z' });
    const english = [query, strongOld, weakerRecent, ...distractorsEn];
    // Arabic only, so no English word or label weighs differently; dated ten years after every other article.
    const later = post({ lang: 'ar', slug: 'later', title: 'زيارة إلى سجن الرمال', body: 'زار فريق المركز سجن الرمال والتقى بالمحتجزين.', date: '2036-01-01T00:00:00Z' });
    const before = relate(english).relations;
    const after = relate([...english, later]).relations;
    expect(slugsOf(listOf(before, query)).slice(0, 2)).toEqual(['weaker-recent', 'strong-old']);
    for (const p of english) expect({ slug: p.slug, list: listOf(after, p) }).toEqual({ slug: p.slug, list: listOf(before, p) });
  });

  it('walks the articles of a common label closest in time, so a new one reaches only the lists of its own time', () => {
    // A hundred weekly articles with one tag and no word in common; recency off, so only the walk can change a list.
    const weekly = Array.from({ length: 100 }, (_, n) =>
      post({ slug: `p${String(n).padStart(3, '0')}`, title: filler(n), tags: ['detention'], date: new Date(Date.UTC(2020, 0, 1) + n * 7 * 86_400_000).toISOString() }),
    );
    // Its key sorts first: wherever it is walked, it ties with the others and wins on the key.
    const added = post({ slug: 'a-new', title: filler(1000), tags: ['detention'], date: new Date(Date.UTC(2020, 0, 1) + 100 * 7 * 86_400_000).toISOString() });
    const before = relate(weekly, 5, { halfLifeDays: 0 }).relations;
    const after = relate([...weekly, added], 5, { halfLifeDays: 0 }).relations;
    const changed = weekly.filter((p) => JSON.stringify(slugsOf(listOf(before, p))) !== JSON.stringify(slugsOf(listOf(after, p)))).map((p) => p.slug);
    expect(changed.length).toBeGreaterThan(0);
    // Each article walks the 64 closest to it: the new one is among them only for the last articles.
    expect(changed.every((slug) => slug >= 'p036')).toBe(true);
    expect(slugsOf(listOf(after, weekly[0] as Post))).toEqual(['p001', 'p002', 'p003', 'p004', 'p005']);
  });

  it('rounds scores to 4 decimals and gives the reasons', () => {
    const query = post({ slug: 'q', title: 'Torture in pre-trial detention', tags: ['Torture', 'detention'], categories: ['Reports/Research'] });
    const other = post({ slug: 'o', title: 'Torture allegations in detention centres', tags: ['torture'], categories: ['Reports/Research'], date: '2025-12-02T00:00:00Z' });
    const [first] = relate([query, other, ...distractorsEn]).explained(query);
    expect(first).toBeDefined();
    const relation = first as ExplainedRelation;
    expect(versionFor(relation.article, 'en').slug).toBe('o');
    expect(relation.score).toBe(Math.round(relation.score * 10_000) / 10_000);
    expect(relation.pinned).toBe(false);
    expect(relation.reasons.sharedTags).toEqual(['Torture']);
    expect(relation.reasons.sharedCategories).toEqual(['Reports/Research']);
    expect(relation.reasons.topTerms).toEqual(expect.arrayContaining(['torture']));
    expect(relation.reasons.ageDays).toBe(30);
  });
});

// ---------------------------------------------------------------- rules

describe('rules', () => {
  const en = post({ slug: 'strike-en', title: 'Hunger strike at Al-Rimal prison', tags: ['detention'], translationKey: 'strike' });
  const ar = post({ lang: 'ar', slug: 'strike-ar', title: 'إضراب عن الطعام في سجن الرمال', tags: ['احتجاز'], translationKey: 'strike' });
  const others = [
    post({ slug: 'visit-en', title: 'Families barred from Al-Rimal prison visits', tags: ['detention'], translationKey: 'visit' }),
    post({ lang: 'ar', slug: 'visit-ar', title: 'منع العائلات من زيارة سجن الرمال', tags: ['احتجاز'], translationKey: 'visit' }),
    post({ slug: 'trial-en', title: 'Trial of hunger strikers adjourned', tags: ['fair trial'], date: '2025-11-01T00:00:00Z' }),
    post({ lang: 'ar', slug: 'water-ar', title: 'قرى سجن الرمال بلا مياه', tags: ['الحق في المياه'] }),
    post({ slug: 'elections-en', title: 'Municipal elections postponed', tags: ['elections'] }),
  ];
  const all = [en, ar, ...others];

  it('joins an Arabic word with a one-letter prefix to its stem only when a published article writes that stem with ال', () => {
    // بتقرير ("in a report") is تقرير with ب attached; only التقرير elsewhere shows that تقرير is a stem.
    const prefixed = post({ lang: 'ar', slug: 'prefixed', title: `بتقرير ${filler(1)}` });
    const plain = post({ lang: 'ar', slug: 'plain', title: `تقرير ${filler(2)}` });
    const definite = post({ lang: 'ar', slug: 'definite', title: `التقرير ${filler(3)}` });
    const terms = termsOf([prefixed, plain, definite]);
    const listed = (posts: Post[]) => slugsOf(relateArticles(groupArticles(posts), 5, { terms }).get(articleKey(prefixed)), 'ar');
    expect(listed([prefixed, plain, definite])).toEqual(['definite', 'plain']);
    // The same three files, the one with التقرير a draft: what is not published shapes nothing.
    expect(listed([prefixed, plain])).toEqual([]);
  });

  it('never relates an article to itself or to its own translation', () => {
    const { articles, relations } = relate(all, 10);
    for (const article of articles) {
      const list = relations.get(article.key) ?? [];
      expect(list.map((relation) => relation.article.key)).not.toContain(article.key);
    }
    const ids = listOf(relations, en).flatMap((relation) => [...relation.article.versions.values()].map((p) => p.id));
    expect(ids).not.toContain(en.id);
    expect(ids).not.toContain(ar.id);
  });

  it('gives the English and Arabic versions of a pair the same list, each shown in the reader’s language', () => {
    const { relations } = relate(all);
    expect(articleKey(en)).toBe(articleKey(ar));
    const list = listOf(relations, ar);
    expect(list).toBe(listOf(relations, en));
    expect(slugsOf(list, 'en')[0]).toBe('visit-en');
    expect(slugsOf(list, 'ar')[0]).toBe('visit-ar');
    // An article with no version in the reader's language is listed in its own.
    const onlyArabic = list.find((relation) => !relation.article.versions.has('en'));
    expect(onlyArabic && versionFor(onlyArabic.article, 'en').lang).toBe('ar');
  });

  it('places pins first in the given order, ignoring unknown keys, itself and repeats', () => {
    const elections = others[4] as Post;
    const water = others[3] as Post;
    const pins = new Map([[articleKey(en), ['translation:missing', articleKey(elections), articleKey(en), articleKey(water), articleKey(elections)]]]);
    const { relations } = relate(all, 3, { pins });
    const list = listOf(relations, en);
    expect(list.map((relation) => relation.pinned)).toEqual([true, true, false]);
    expect(slugsOf(list, 'en').slice(0, 2)).toEqual(['elections-en', 'water-ar']);
    expect(slugsOf(list, 'en')[2]).toBe('visit-en');
    // The translation gets the same pinned list, since pins belong to the article.
    expect(listOf(relations, ar)).toBe(list);
  });

  it('keeps pins within the count', () => {
    const pins = new Map([[articleKey(en), others.map(articleKey)]]);
    const { relations } = relate(all, 2, { pins });
    expect(listOf(relations, en).map((relation) => relation.pinned)).toEqual([true, true]);
  });

  it('gives the same lists, scores and reasons whatever the input order', () => {
    const posts = [...all, ...distractors(40)];
    const expected = serialise(groupArticles(posts));
    let seed = 7;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let round = 0; round < 5; round++) {
      const shuffled = [...posts].sort(() => random() - 0.5);
      const articles = groupArticles(shuffled).sort(() => random() - 0.5);
      expect(serialise(articles)).toEqual(expected);
    }
  });

  it('handles empty input, a single article and a count of 0', () => {
    expect(relateArticles([], 5, { terms: termsOf([]) }).size).toBe(0);
    expect(explainRelated([], 'post:en:x', 5, { terms: termsOf([]) })).toBeUndefined();
    expect(relate([en]).relations.get(articleKey(en))).toEqual([]);
    expect(relate(all, 0).relations.get(articleKey(en))).toEqual([]);
  });

  // Speed at scale is measured by scripts/bench-related-quality.mjs, not here.
  it('relates a large set: every article gets a full list', () => {
    const posts = distractors(3000);
    const { relations } = relate(posts);
    expect(relations.size).toBe(3000);
    for (const list of relations.values()) expect(list).toHaveLength(5);
  });
});

describe('TopK', () => {
  it('keeps the best k, ties by lower id, whatever the order of arrival', () => {
    const pairs: [number, number][] = [[0.5, 4], [0.9, 7], [0.5, 2], [0.1, 1], [0.9, 3], [0.7, 9]];
    for (const order of [pairs, [...pairs].reverse()]) {
      const heap = new TopK(4);
      for (const [score, id] of order) heap.push(score, id);
      expect(heap.sortedIds()).toEqual([3, 7, 9, 2]);
    }
  });
});

// ---------------------------------------------------------------- helpers

function distractors(count: number): Post[] {
  const topics = ['prison', 'housing', 'elections', 'water', 'journalists', 'trial', 'migrants', 'union'];
  return Array.from({ length: count }, (_, i) => {
    const topic = topics[i % topics.length] ?? 'prison';
    const lang = i % 3 === 0 ? 'ar' : 'en';
    return post({
      lang,
      slug: `d${i}`,
      title: `${topic} report number${i % 97} ${filler(i).slice(0, 20)}`,
      body: `${topic} ${topic} ${filler(i)} ${topics[(i * 7) % topics.length] ?? ''}`,
      tags: [topic, `t${i % 50}`],
      date: new Date(Date.UTC(2020, 0, 1) + (i % 2000) * 86_400_000).toISOString(),
    });
  });
}

/** Every article's list, and its reasons, in a form that compares by value. */
function serialise(articles: readonly Article[]): [string, { key: string; score: number; reasons: ExplainedRelation['reasons'] }[]][] {
  const terms = termsOf(articles.flatMap((article) => [...article.versions.values()]));
  const relations = relateArticles(articles, 5, { terms });
  return [...relations.keys()]
    .sort((a, b) => (a < b ? -1 : 1))
    .map((key) => {
      const list = explainRelated(articles, key, 5, { terms }) ?? [];
      expect(list.map((relation) => relation.score)).toEqual(relations.get(key)?.map((relation) => relation.score));
      return [key, list.map((relation) => ({ key: relation.article.key, score: relation.score, reasons: relation.reasons }))];
    });
}
