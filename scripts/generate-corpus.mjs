#!/usr/bin/env node
// Generates a synthetic bilingual corpus for benchmarking nashra.
//
//   node scripts/generate-corpus.mjs --articles N --out DIR [--seed S] [--force] [--planted]
//
// --planted writes instead a corpus with planted topic clusters and known ground truth, for
// measuring related articles (scripts/bench-related-quality.mjs): articles of one cluster share
// topic words and a tag, all else is random. DIR/clusters.json maps each translationKey to its
// cluster. The clusters come from src/bench/plantedCorpus.ts (compiled, so run `npx tsc -p
// tsconfig.json` first), the same generator the CI quality test uses at a small size.
//
// Writes DIR/nashra.config.yaml and DIR/posts/{en,ar}/*.md: N articles, about
// 85% in both languages (shared translationKey), the rest in one language only.
// Every sentence is assembled from the word lists and templates below, so the
// output is deterministic for a given --seed and contains no copied text.
// Node built-ins only.

import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { hashSeed, mulberry32, zipf } from './random.mjs';
import { scriptArgs } from './script-args.mjs';

// ---------------------------------------------------------------- arguments

const USAGE = 'usage: node scripts/generate-corpus.mjs --articles N --out DIR [--seed S] [--force] [--planted]';
const args = scriptArgs(USAGE, {
  articles: { type: 'string' },
  out: { type: 'string' },
  seed: { type: 'string', default: '1' },
  force: { type: 'boolean', default: false },
  planted: { type: 'boolean', default: false },
});
const ARTICLES = Number(args.articles);
if (!Number.isInteger(ARTICLES) || ARTICLES < 1 || !args.out) {
  console.error(USAGE);
  process.exit(2);
}
const OUT = resolve(args.out);
const SEED = args.seed;

// ---------------------------------------------------------------- PRNG

const random = mulberry32(hashSeed(SEED));
const int = (min, max) => min + Math.floor(random() * (max - min + 1));
const chance = (p) => random() < p;
const pick = (list) => list[Math.floor(random() * list.length)];
/** Picks from [[weight, value], ...]. */
function weighted(pairs) {
  const total = pairs.reduce((sum, [w]) => sum + w, 0);
  let r = random() * total;
  for (const [w, value] of pairs) {
    r -= w;
    if (r < 0) return value;
  }
  return pairs[pairs.length - 1][1];
}

/** `count` distinct indices from a sampler. */
function distinct(sampler, count) {
  const chosen = new Set();
  let guard = 0;
  while (chosen.size < count && guard++ < 200) chosen.add(sampler());
  return [...chosen];
}

const cap = (s) => s.charAt(0).toUpperCase() + s.slice(1);

// ---------------------------------------------------------------- vocabulary
// Index i of an English list is the same thing as index i of its Arabic list.

/** ~60 topics per language; index order is popularity order for the Zipf sampler. */
const TAGS = [
  ['detention', 'احتجاز'],
  ['freedom of expression', 'حرية التعبير'],
  ['torture', 'تعذيب'],
  ['fair trial', 'محاكمة عادلة'],
  ['journalists', 'صحفيون'],
  ['right to protest', 'الحق في التظاهر'],
  ['migrants', 'مهاجرون'],
  ["women's rights", 'حقوق المرأة'],
  ['housing', 'السكن'],
  ['digital rights', 'الحقوق الرقمية'],
  ['enforced disappearance', 'الاختفاء القسري'],
  ['human rights defenders', 'المدافعون عن حقوق الإنسان'],
  ['death penalty', 'عقوبة الإعدام'],
  ['prison conditions', 'ظروف السجون'],
  ['refugees', 'لاجئون'],
  ['labour rights', 'حقوق العمال'],
  ['civil society', 'المجتمع المدني'],
  ['children', 'الأطفال'],
  ['lawyers', 'المحامون'],
  ['surveillance', 'المراقبة'],
  ['cybercrime law', 'قانون الجرائم الإلكترونية'],
  ['police', 'الشرطة'],
  ['forced evictions', 'الإخلاء القسري'],
  ['freedom of association', 'حرية تكوين الجمعيات'],
  ['students', 'الطلاب'],
  ['domestic workers', 'عاملات المنازل'],
  ['trade unions', 'النقابات'],
  ['elections', 'الانتخابات'],
  ['impunity', 'الإفلات من العقاب'],
  ['military courts', 'المحاكم العسكرية'],
  ['travel bans', 'حظر السفر'],
  ['gender-based violence', 'العنف القائم على النوع الاجتماعي'],
  ['right to health', 'الحق في الصحة'],
  ['right to education', 'الحق في التعليم'],
  ['statelessness', 'انعدام الجنسية'],
  ['minorities', 'الأقليات'],
  ['disability rights', 'حقوق الأشخاص ذوي الإعاقة'],
  ['press freedom', 'حرية الصحافة'],
  ['internet shutdowns', 'قطع الإنترنت'],
  ['counter-terrorism', 'مكافحة الإرهاب'],
  ['pre-trial detention', 'الحبس الاحتياطي'],
  ['hunger strike', 'الإضراب عن الطعام'],
  ['transitional justice', 'العدالة الانتقالية'],
  ['UN mechanisms', 'آليات الأمم المتحدة'],
  ['universal periodic review', 'الاستعراض الدوري الشامل'],
  ['water rights', 'الحق في المياه'],
  ['land rights', 'الحقوق في الأرض'],
  ['environment', 'البيئة'],
  ['corruption', 'الفساد'],
  ['right to privacy', 'الحق في الخصوصية'],
  ['academic freedom', 'الحرية الأكاديمية'],
  ['religious freedom', 'حرية المعتقد'],
  ['asylum', 'اللجوء'],
  ['child labour', 'عمل الأطفال'],
  ['trafficking', 'الاتجار بالبشر'],
  ['legal aid', 'المساعدة القانونية'],
  ['constitutional reform', 'الإصلاح الدستوري'],
  ['judicial independence', 'استقلال القضاء'],
  ['accountability', 'المساءلة'],
  ['training', 'التدريب'],
];
const tagSampler = zipf(random, TAGS.length, 1.05);

const CATEGORIES = [
  [30, ['Statements', 'بيانات']],
  [14, ['Statements/Joint Statements', 'بيانات/بيانات مشتركة']],
  [17, ['Reports', 'تقارير']],
  [3, ['Reports/Annual Reports', 'تقارير/تقارير سنوية']],
  [36, ['News', 'أخبار']],
];

const ORG = ['Wahat Centre for Human Rights', 'مركز واحة لحقوق الإنسان'];
const STAFF = [
  ['Nour Qasimi', 'نور القاسمي', 'nour-qasimi'],
  ['Lina Haddad', 'لينا حداد', 'lina-haddad'],
  ['Karim Nassar', 'كريم نصار', 'karim-nassar'],
  ['Tariq Bel-Hadi', 'طارق بلهادي', 'tariq-bel-hadi'],
  ['Salma Attar', 'سلمى العطار', 'salma-attar'],
  ['Yusuf Darwish', 'يوسف درويش', 'yusuf-darwish'],
  ['Hala Mansour', 'هالة منصور', 'hala-mansour'],
  ['Omar Zidan', 'عمر زيدان', 'omar-zidan'],
  ['Rania Khoury', 'رانيا خوري', 'rania-khoury'],
  ['Sami Farhat', 'سامي فرحات', 'sami-farhat'],
  ['Dina Saleh', 'دينا صالح', 'dina-saleh'],
  ['Majid Rahal', 'ماجد رحال', 'majid-rahal'],
];

const PLACES = [
  ['Bab al-Manara', 'باب المنارة'],
  ['al-Rimal', 'الرمال'],
  ['al-Sahil', 'الساحل'],
  ['Wadi Nur', 'وادي النور'],
  ['the capital', 'العاصمة'],
  ['Ain Zarqa', 'عين زرقاء'],
  ['Tell Hamra', 'تل حمرا'],
  ['the southern coast', 'الساحل الجنوبي'],
  ['the eastern districts', 'المناطق الشرقية'],
  ['Qasr al-Bahr', 'قصر البحر'],
  ['Jabal al-Ward', 'جبل الورد'],
  ['Marj Sultan', 'مرج السلطان'],
];

const MONTHS_EN = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const MONTHS_AR = [
  'يناير/كانون الثاني', 'فبراير/شباط', 'مارس/آذار', 'أبريل/نيسان', 'مايو/أيار', 'يونيو/حزيران',
  'يوليو/تموز', 'أغسطس/آب', 'سبتمبر/أيلول', 'أكتوبر/تشرين الأول', 'نوفمبر/تشرين الثاني', 'ديسمبر/كانون الأول',
];

// English phrase lists
const EN = {
  abuse: ['arbitrary detention', 'torture and ill-treatment', 'enforced disappearance', 'forced eviction', 'collective expulsion', 'unfair trials', 'arrests without a warrant', 'prolonged pre-trial detention', 'website blocking', 'travel bans'],
  actor: ['security forces', 'the police', 'the authorities', 'intelligence officers', 'the public prosecutor', 'prison officials', 'plain-clothes officers', 'the coast guard'],
  actionPast: ['arrested', 'detained', 'interrogated', 'held incommunicado', 'prosecuted', 'questioned', 'summoned'],
  victim: ['several journalists', 'labour activists', 'university students', 'a well-known blogger', 'members of one family', 'migrant workers', 'striking teachers', 'a lawyer representing families of the disappeared', 'women human rights defenders', 'residents protesting the demolition of their homes'],
  circumstance: ['without a judicial warrant', 'in the early hours of the morning', 'at a checkpoint at the entrance to the city', 'during a peaceful sit-in', 'days after posting comments online', 'without informing their families where they were held', 'during a night raid'],
  witness: ['one of the lawyers', 'an eyewitness', 'the brother of a detainee', 'the mother of one of the detainees', 'a resident of the neighbourhood', 'a local journalist', 'a member of the defence team'],
  claim: ['detainees were denied access to their lawyers for two weeks', 'the interrogation took place without a lawyer present', 'family visits have been banned for months', 'the cells are overcrowded and poorly ventilated', 'the court rejected the defence requests without giving reasons', 'the demolitions began before the legal deadline expired', 'confessions were obtained under duress', 'the families received no official notification', 'migrants were taken to the border without their asylum claims being examined', 'medical care in the prison is almost non-existent'],
  authority: ['the Government of Qadira', 'the authorities', 'the Ministry of Interior', 'the Ministry of Justice', 'the Public Prosecutor', 'parliament', 'the Supreme Judicial Council'],
  demand: ['release immediately and unconditionally everyone held for peacefully expressing their views', 'open an independent and impartial investigation into the allegations of torture', 'guarantee detainees access to a lawyer from the moment of arrest', 'suspend forced evictions until adequate alternative housing is offered', 'repeal the vaguely worded articles of the cybercrime law', 'reveal the fate and whereabouts of the disappeared', 'allow independent monitors to visit places of detention without restriction', 'respect the right of peaceful assembly', 'hold those responsible for the violations to account', 'provide victims and their families with fair compensation'],
  law: ['Constitution', 'Penal Code', 'Code of Criminal Procedure', 'Cybercrime Law', 'Public Assembly Law', 'Associations Law', 'Labour Code'],
  rule: ['anyone arrested must be told promptly of the reasons for the arrest', 'a detainee must be brought before a judge within 48 hours', 'homes may only be searched with a judicial warrant', 'any confession obtained under duress is void', 'defendants have the right to a public hearing', 'freedom of opinion and expression is guaranteed to all'],
  unit: ['people', 'journalists', 'activists', 'students', 'migrant workers'],
  passive: ['arrested', 'detained', 'deported', 'tried', 'summoned for questioning'],
  treaty: ['International Covenant on Civil and Political Rights', 'Convention against Torture', 'Arab Charter on Human Rights', 'International Covenant on Economic, Social and Cultural Rights', 'Convention on the Rights of the Child', 'Convention on the Elimination of All Forms of Discrimination against Women'],
  treatyClause: ['which obliges it to respect and protect these rights', 'which places clear obligations on it in this area', 'yet its practice on the ground remains far from these commitments'],
  evidence: ['the case file', 'the interrogation records', 'the forensic medical reports', 'the digital evidence submitted by the prosecution', 'the list of prosecution witnesses'],
  victimGen: ['the detainees', 'the disappeared', 'the detained journalists', 'the deported workers', 'the arrested students'],
  building: ['the Ministry of Justice', 'the Palace of Justice', 'al-Rimal Central Prison', 'the governorate building', 'parliament'],
  weekday: ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday'],
  expert: ['an independent legal expert', 'the head of the Bar Association', 'a professor of constitutional law at the University of Qadira', 'the UN Special Rapporteur on freedom of expression', 'the chair of the journalists’ union freedoms committee'],
  otherOrg: ['local human rights groups', 'the UN Committee against Torture', 'the Bar Association', 'independent international bodies', 'the Arab Monitoring Network'],
  violation: ['a serious human rights violation', 'arbitrary detention', 'cruel, inhuman and degrading treatment', 'collective punishment', 'a violation of the right to a fair trial'],
  ensure: ['detainees receive medical care', 'the whereabouts of every detainee are disclosed', 'every allegation of torture is independently investigated', 'journalists are no longer prosecuted for their work', 'families can visit their detained relatives regularly'],
  context: ['a rise in prosecutions of journalists and bloggers', 'a severe economic crisis', 'a wide security campaign in the eastern districts', 'growing restrictions on civil society organisations', 'a wave of protests against the rising cost of living', 'urban development projects that threaten thousands of families with displacement'],
  spokes: ['Nour Qasimi, Director of Wahat', 'Lina Haddad, researcher at Wahat', 'Salma Attar, head of the criminal justice programme at Wahat'],
  quote: ['A state governed by the rule of law cannot be built on fear.', 'Every day these people spend behind bars is a further injustice to them and their families.', 'A good law on paper is not enough if it is not applied in police stations.', 'Official silence about these abuses only encourages them to be repeated.', 'Families have the right to know where their loved ones are.'],
  headings: ['Background', 'What happened', 'Key findings', 'Our recommendations', 'Legal analysis', 'Testimonies', 'The legal framework', 'What we are asking for', 'Methodology', 'Next steps', 'A pattern of abuse', 'International obligations', 'The trial', 'Conditions of detention', 'Response from the authorities'],
  linkText: ['report on torture in pre-trial detention', 'statement on the cybercrime law', 'analysis of the assembly law', 'briefing to the UN Human Rights Committee', 'earlier statement on this case', 'guide for families of detainees'],
};

// Arabic phrase lists. Verbs in `verbF` agree with the grammatically feminine subjects in `actorF`.
const AR = {
  abuse: ['الاحتجاز التعسفي', 'التعذيب وسوء المعاملة', 'الإخفاء القسري', 'الإخلاء القسري', 'الطرد الجماعي', 'المحاكمات الجائرة', 'الاعتقال دون إذن قضائي', 'الحبس الاحتياطي المطوّل', 'حجب المواقع الإلكترونية', 'منع السفر'],
  actorF: ['قوات الأمن', 'الشرطة', 'السلطات', 'أجهزة الاستخبارات', 'النيابة العامة', 'إدارة السجن', 'عناصر بلباس مدني', 'دورية أمنية'],
  verbF: ['اعتقلت', 'احتجزت', 'استجوبت', 'أوقفت', 'لاحقت', 'استدعت'],
  victim: ['عددًا من الصحفيين', 'ناشطين في مجال حقوق العمال', 'طلابًا جامعيين', 'مدوّنًا معروفًا', 'أفرادًا من عائلة واحدة', 'عمالًا مهاجرين', 'معلمين مضربين عن العمل', 'محاميةً تمثّل عائلات المفقودين', 'مدافعات عن حقوق الإنسان', 'سكانًا احتجّوا على هدم منازلهم'],
  victimG: ['عدد من الصحفيين', 'ناشطين في مجال حقوق العمال', 'طلاب جامعيين', 'مدوّن معروف', 'أفراد من عائلة واحدة', 'عمال مهاجرين', 'معلمين مضربين عن العمل', 'محامية تمثّل عائلات المفقودين', 'مدافعات عن حقوق الإنسان', 'سكان احتجّوا على هدم منازلهم'],
  circumstance: ['دون إذن قضائي', 'في ساعات الفجر الأولى', 'عند نقطة تفتيش على مدخل المدينة', 'أثناء وقفة احتجاجية سلمية', 'بعد أيام من نشر تعليقات على الإنترنت', 'دون إبلاغ ذويهم بمكان الاحتجاز', 'خلال مداهمة ليلية'],
  witness: ['أحد المحامين', 'شاهد عيان', 'شقيق أحد المعتقلين', 'والد أحد المحتجزين', 'أحد سكان الحي', 'صحفي محلي', 'عضو في هيئة الدفاع'],
  claim: ['المحتجزين حُرموا من الاتصال بمحاميهم طوال أسبوعين', 'التحقيق جرى دون حضور محامٍ', 'الزيارات العائلية ممنوعة منذ أشهر', 'الزنازين مكتظة وتفتقر إلى التهوية', 'المحكمة رفضت طلبات الدفاع دون تعليل', 'عمليات الهدم بدأت قبل انتهاء المهلة القانونية', 'الاعترافات انتُزعت تحت الإكراه', 'العائلات لم تتلقَّ أي إشعار رسمي', 'المهاجرين نُقلوا إلى الحدود دون النظر في طلبات لجوئهم', 'الرعاية الطبية في السجن شبه معدومة'],
  authority: ['حكومة قديرة', 'السلطات', 'وزارة الداخلية', 'وزارة العدل', 'النائب العام', 'البرلمان', 'المجلس الأعلى للقضاء'],
  authorityF: ['السلطات', 'وزارة الداخلية', 'وزارة العدل', 'النيابة العامة', 'إدارة السجون'],
  demand: ['الإفراج الفوري وغير المشروط عن جميع المحتجزين بسبب تعبيرهم السلمي عن آرائهم', 'فتح تحقيق مستقل ونزيه في ادعاءات التعذيب', 'ضمان حق المحتجزين في الاستعانة بمحامٍ منذ لحظة القبض عليهم', 'وقف عمليات الإخلاء القسري إلى حين توفير سكن بديل ملائم', 'إلغاء المواد الفضفاضة في قانون الجرائم الإلكترونية', 'الكشف عن مصير المختفين وأماكن احتجازهم', 'السماح للمراقبين المستقلين بزيارة أماكن الاحتجاز دون قيود', 'احترام الحق في التجمع السلمي', 'محاسبة المسؤولين عن الانتهاكات', 'تعويض الضحايا وذويهم تعويضًا عادلًا'],
  law: ['الدستور', 'قانون العقوبات', 'قانون الإجراءات الجزائية', 'قانون الجرائم الإلكترونية', 'قانون التجمعات العامة', 'قانون الجمعيات', 'قانون العمل'],
  rule: ['حق كل موقوف في إبلاغه فورًا بأسباب توقيفه', 'عرض الموقوف على قاضٍ خلال ثمانٍ وأربعين ساعة', 'عدم جواز تفتيش المنازل إلا بإذن قضائي', 'بطلان كل اعتراف يُنتزع تحت الإكراه', 'حق المتهم في محاكمة علنية', 'كفالة حرية الرأي والتعبير للجميع'],
  unit: ['شخصًا', 'صحفيًا', 'ناشطًا', 'طالبًا', 'عاملًا مهاجرًا'],
  passive: ['اعتُقل', 'احتُجز', 'رُحّل', 'حوكم', 'أوقف'],
  treaty: ['العهد الدولي الخاص بالحقوق المدنية والسياسية', 'اتفاقية مناهضة التعذيب', 'الميثاق العربي لحقوق الإنسان', 'العهد الدولي الخاص بالحقوق الاقتصادية والاجتماعية والثقافية', 'اتفاقية حقوق الطفل', 'اتفاقية القضاء على جميع أشكال التمييز ضد المرأة'],
  treatyClause: ['وهو ما يُلزمها باحترام هذه الحقوق وحمايتها', 'ما يفرض عليها التزامات واضحة في هذا المجال', 'غير أن ممارساتها على الأرض لا تزال بعيدة عن هذه الالتزامات'],
  evidence: ['ملف القضية', 'محاضر التحقيق', 'تقارير الطب الشرعي', 'الأدلة الرقمية التي قدّمتها النيابة', 'قائمة شهود الإثبات'],
  victimGen: ['المعتقلين', 'المختفين قسرًا', 'الصحفيين المحتجزين', 'العمال المرحّلين', 'الطلاب الموقوفين'],
  building: ['مبنى وزارة العدل', 'قصر العدل', 'سجن الرمال المركزي', 'مقر المحافظة', 'مبنى البرلمان'],
  weekday: ['يوم أحد', 'يوم اثنين', 'يوم ثلاثاء', 'يوم أربعاء', 'يوم خميس'],
  expert: ['خبير قانوني مستقل', 'نقيب المحامين', 'أستاذ القانون الدستوري في جامعة قديرة', 'المقرر الخاص للأمم المتحدة المعني بحرية التعبير', 'رئيس لجنة الحريات في نقابة الصحفيين'],
  otherOrgF: ['منظمات حقوقية محلية', 'لجنة الأمم المتحدة لمناهضة التعذيب', 'نقابة المحامين', 'هيئات دولية مستقلة', 'الشبكة العربية للرصد'],
  violation: ['انتهاك جسيم لحقوق الإنسان', 'احتجاز تعسفي', 'معاملة قاسية ولاإنسانية ومهينة', 'عقاب جماعي', 'انتهاك للحق في محاكمة عادلة'],
  ensure: ['تضمن حصول المحتجزين على الرعاية الطبية', 'تكشف عن أماكن احتجاز جميع الموقوفين', 'تحقق في كل ادعاء بالتعذيب تحقيقًا مستقلًا', 'تتوقف عن ملاحقة الصحفيين بسبب عملهم', 'تسمح للعائلات بزيارة ذويها المحتجزين بانتظام'],
  context: ['تصاعد الملاحقات القضائية بحق الصحفيين والمدوّنين', 'أزمة اقتصادية خانقة تشهدها البلاد', 'حملة أمنية واسعة في المناطق الشرقية', 'تضييق متزايد على منظمات المجتمع المدني', 'موجة من الاحتجاجات على غلاء المعيشة', 'مشاريع تطوير عمراني تهدد آلاف الأسر بالتهجير'],
  spokesF: ['نور القاسمي، مديرة المركز', 'لينا حداد، الباحثة في المركز', 'سلمى العطار، مسؤولة برنامج العدالة الجنائية في المركز'],
  quote: ['لا يمكن بناء دولة القانون على الخوف.', 'كل يوم يمضيه هؤلاء خلف القضبان ظلم إضافي لهم ولعائلاتهم.', 'القانون الجيد على الورق لا يكفي إذا لم يُطبَّق في أقسام الشرطة.', 'الصمت الرسمي إزاء هذه الانتهاكات يشجّع على تكرارها.', 'من حق العائلات أن تعرف أين أبناؤها.'],
  headings: ['خلفية', 'ماذا حدث؟', 'أبرز النتائج', 'توصياتنا', 'تحليل قانوني', 'شهادات', 'الإطار القانوني', 'مطالبنا', 'المنهجية', 'الخطوات المقبلة', 'نمط متكرر من الانتهاكات', 'الالتزامات الدولية', 'المحاكمة', 'ظروف الاحتجاز', 'ردّ السلطات'],
  linkText: ['تقريرنا عن التعذيب في الحبس الاحتياطي', 'بياننا بشأن قانون الجرائم الإلكترونية', 'تحليلنا لقانون التجمعات العامة', 'إحاطتنا المقدّمة إلى لجنة حقوق الإنسان', 'بياننا السابق بشأن هذه القضية', 'دليلنا لعائلات المحتجزين'],
};

// ---------------------------------------------------------------- sentences

const num = () => int(11, 480);
const year = () => int(2016, 2025);

const EN_SENTENCES = [
  () => `The Wahat Centre for Human Rights documented ${num()} cases of ${pick(EN.abuse)} in ${pick(PLACES)[0]} between ${pick(MONTHS_EN.slice(0, 6))} and ${pick(MONTHS_EN.slice(6))} ${year()}.`,
  () => `According to ${pick(EN.witness)}, ${pick(EN.actor)} ${pick(EN.actionPast)} ${pick(EN.victim)} ${pick(EN.circumstance)}.`,
  () => `${cap(pick(EN.authority))} did not respond to our requests for comment, sent on ${int(1, 28)} ${pick(MONTHS_EN)}.`,
  () => `We call on ${pick(EN.authority)} to ${pick(EN.demand)}.`,
  () => `${cap(pick(EN.witness))} told our researchers that ${pick(EN.claim)}.`,
  () => `This is not the first time that ${pick(EN.actor)} ${pick(EN.actionPast)} ${pick(EN.victim)}.`,
  () => `Under article ${int(2, 140)} of the ${pick(EN.law)}, ${pick(EN.rule)}.`,
  () => `In ${year()}, ${num()} ${pick(EN.unit)} were ${pick(EN.passive)} in ${pick(PLACES)[0]}, according to figures compiled by local lawyers.`,
  () => `Qadira has ratified the ${pick(EN.treaty)}, ${pick(EN.treatyClause)}.`,
  () => `${int(5, 30)} of the ${int(31, 120)} people we interviewed said that ${pick(EN.claim)}.`,
  () => `Defence lawyers said they were not allowed to see ${pick(EN.evidence)} before the hearing.`,
  () => `The next hearing is scheduled for ${int(1, 28)} ${pick(MONTHS_EN)} ${year()}.`,
  () => `Families of ${pick(EN.victimGen)} have gathered outside ${pick(EN.building)} every ${pick(EN.weekday)} since ${pick(MONTHS_EN)}.`,
  () => `${cap(pick(EN.expert))} warned that ${pick(EN.claim)}.`,
  () => `These findings are consistent with those of ${pick(EN.otherOrg)}.`,
  () => `Such practices amount to ${pick(EN.violation)} under international law.`,
  () => `The authorities must ensure that ${pick(EN.ensure)}.`,
  () => `This comes amid ${pick(EN.context)}.`,
  () => `"${pick(EN.quote).replace(/\.$/, ',')}" said ${pick(EN.spokes)}.`,
  () => `The hearing in ${pick(PLACES)[0]} lasted less than ${int(11, 50)} minutes, and the defendants were not allowed to address the court.`,
  () => `Since ${year()}, we have recorded a steady increase in ${pick(EN.abuse)}, particularly in ${pick(PLACES)[0]}.`,
];

const AR_SENTENCES = [
  () => `وثّق مركز واحة لحقوق الإنسان ${num()} حالة من حالات ${pick(AR.abuse)} في ${pick(PLACES)[1]} بين ${pick(MONTHS_AR.slice(0, 6))} و${pick(MONTHS_AR.slice(6))} ${year()}.`,
  () => `وبحسب ${pick(AR.witness)}، ${pick(AR.verbF)} ${pick(AR.actorF)} ${pick(AR.victim)} ${pick(AR.circumstance)}.`,
  () => `ولم تردّ ${pick(AR.authorityF)} على طلباتنا للتعليق، المرسلة في ${int(1, 28)} ${pick(MONTHS_AR)}.`,
  () => `ندعو ${pick(AR.authority)} إلى ${pick(AR.demand)}.`,
  () => `وقال ${pick(AR.witness)} لباحثينا إن ${pick(AR.claim)}.`,
  () => `وليست هذه المرة الأولى التي ${pick(AR.verbF)} فيها ${pick(AR.actorF)} ${pick(AR.victim)}.`,
  () => `وتنص المادة ${int(2, 140)} من ${pick(AR.law)} على ${pick(AR.rule)}.`,
  () => `وفي عام ${year()}، ${pick(AR.passive)} ${num()} ${pick(AR.unit)} في ${pick(PLACES)[1]}، بحسب أرقام جمعها محامون محليون.`,
  () => `وقد صادقت قديرة على ${pick(AR.treaty)}، ${pick(AR.treatyClause)}.`,
  () => `وقال ${int(5, 10)} من أصل ${int(31, 120)} شخصًا قابلناهم إن ${pick(AR.claim)}.`,
  () => `وأكد محامو الدفاع أنهم لم يتمكنوا من الاطلاع على ${pick(AR.evidence)} قبل الجلسة.`,
  () => `ومن المقرر أن تُعقد الجلسة المقبلة في ${int(1, 28)} ${pick(MONTHS_AR)} ${year()}.`,
  () => `وتعتصم عائلات ${pick(AR.victimGen)} أمام ${pick(AR.building)} كل ${pick(AR.weekday)} منذ ${pick(MONTHS_AR)}.`,
  () => `وحذّر ${pick(AR.expert)} من أن ${pick(AR.claim)}.`,
  () => `وتتسق هذه النتائج مع ما توصلت إليه ${pick(AR.otherOrgF)}.`,
  () => `وترقى هذه الممارسات إلى ${pick(AR.violation)} بموجب القانون الدولي.`,
  () => `ويتعيّن على السلطات أن ${pick(AR.ensure)}.`,
  () => `ويأتي ذلك في سياق ${pick(AR.context)}.`,
  () => `وقالت ${pick(AR.spokesF)}: «${pick(AR.quote)}»`,
  () => `ولم تستغرق الجلسة في ${pick(PLACES)[1]} أكثر من ${int(11, 50)} دقيقة، ولم يُسمح للمتهمين بالكلام أمام المحكمة.`,
  () => `ومنذ عام ${year()}، رصدنا ارتفاعًا مطّردًا في حالات ${pick(AR.abuse)}، ولا سيما في ${pick(PLACES)[1]}.`,
];

const LANG = {
  en: { s: EN_SENTENCES, v: EN, placeIndex: 0 },
  ar: { s: AR_SENTENCES, v: AR, placeIndex: 1 },
};

const wordCount = (text) => {
  let n = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const space = text.charCodeAt(i) <= 32;
    if (!space && !inWord) n++;
    inWord = !space;
  }
  return n;
};

function sentence(lang) {
  const text = pick(LANG[lang].s)();
  // Some emphasis, as editors write it.
  if (chance(0.04)) return `*${text}*`;
  return text;
}

function paragraph(lang, min = 2, max = 5) {
  const parts = [];
  const count = int(min, max);
  for (let i = 0; i < count; i++) parts.push(sentence(lang));
  return parts.join(' ');
}

// ---------------------------------------------------------------- links

/** Slugs already generated per language and section, so that relative links point at real articles. */
const published = { en: [], ar: [] };

function relativeLink(lang) {
  const previous = published[lang];
  if (previous.length > 0 && chance(0.7)) {
    const target = previous[int(Math.max(0, previous.length - 400), previous.length - 1)];
    return `/${lang}/${target.section}/${target.slug}/`;
  }
  return pick(['../contact/', '../../about/', `/${lang}/reports/`, '../', `/${lang}/`]);
}

function absoluteLink(lang) {
  return pick([
    `https://example.org/wahat/docs/${pick(['analysis', 'briefing', 'submission', 'report', 'letter'])}-${year()}-${int(1, 99)}${lang === 'ar' ? '-ar' : ''}.pdf`,
    `https://www.example.net/un/${pick(['hrc', 'cat', 'upr', 'ccpr'])}/session-${int(30, 60)}`,
    `https://news.example.com/${lang}/${year()}/${int(1, 12)}/${int(1000, 99999)}`,
  ]);
}

function linkSentence(lang) {
  const t = pick(LANG[lang].v.linkText);
  if (lang === 'en') {
    return pick([
      () => `Read our [${t}](${relativeLink('en')}).`,
      () => `The full text is [available here](${absoluteLink('en')}).`,
      () => `See also our [${t}](${relativeLink('en')}) and the [official response](${absoluteLink('en')}).`,
      () => `Journalists who wish to discuss these findings can [contact our team](../contact/).`,
      () => `[Download the document (PDF)](${absoluteLink('en')})`,
    ])();
  }
  return pick([
    () => `اقرأ [${t}](${relativeLink('ar')}).`,
    () => `يمكن [الاطلاع على النص الكامل هنا](${absoluteLink('ar')}).`,
    () => `انظر أيضًا [${t}](${relativeLink('ar')}) و[الرد الرسمي](${absoluteLink('ar')}).`,
    () => `ويمكن للصحفيين الراغبين في مناقشة هذه النتائج [التواصل مع فريقنا](../contact/).`,
    () => `[تحميل الوثيقة (PDF)](${absoluteLink('ar')})`,
  ])();
}

// ---------------------------------------------------------------- body

function listBlock(lang) {
  const v = LANG[lang].v;
  const ordered = chance(0.4);
  const count = int(3, 6);
  const items = [];
  for (let i = 0; i < count; i++) {
    let item;
    if (chance(0.5)) item = pick(v.demand);
    else if (lang === 'en') item = `${num()} cases of ${pick(v.abuse)} in ${pick(PLACES)[0]}`;
    else item = `${num()} حالة ${pick(v.abuse)} في ${pick(PLACES)[1]}`;
    if (chance(0.2)) item = `**${item}**`;
    items.push(`${ordered ? `${i + 1}.` : '-'} ${item}${i < count - 1 ? ';' : '.'}`.replace(/؛?;$/, lang === 'ar' ? '؛' : ';'));
  }
  return items.join('\n');
}

function tableBlock(lang) {
  const v = LANG[lang].v;
  const y = year();
  const header = lang === 'en' ? `| Indicator | ${y - 1} | ${y} |` : `| المؤشر | ${y - 1} | ${y} |`;
  const rows = [header, '|---|---:|---:|'];
  for (let i = 0; i < int(3, 5); i++) {
    const label = lang === 'en' ? `Cases of ${pick(v.abuse)}` : `حالات ${pick(v.abuse)}`;
    rows.push(`| ${label} | ${num()} | ${num()} |`);
  }
  return rows.join('\n');
}

const MIN_WORDS = 250;
const MAX_WORDS = 1200;

/** A body of at least `targetWords` words (counted as whitespace-separated tokens) and at most MAX_WORDS. */
function body(lang, targetWords, isReport) {
  const v = LANG[lang].v;
  const blocks = [paragraph(lang, 2, 4)];
  let words = wordCount(blocks[0]);
  if (chance(0.3)) {
    blocks.push(linkSentence(lang));
    words += wordCount(blocks[1]);
  }
  let headingsLeft = [...v.headings];
  while (words < targetWords) {
    const kind = weighted([[10, 'p'], [3, 'h'], [2, 'list'], [1, 'quote'], [2, 'link'], [isReport ? 1 : 0.2, 'table']]);
    let block;
    if (kind === 'p') block = paragraph(lang);
    else if (kind === 'h') {
      if (headingsLeft.length === 0) headingsLeft = [...v.headings];
      const heading = headingsLeft.splice(Math.floor(random() * headingsLeft.length), 1)[0];
      block = `${chance(0.8) ? '##' : '###'} ${heading}`;
    } else if (kind === 'list') block = listBlock(lang);
    else if (kind === 'quote') block = `> ${pick(v.quote)}`;
    else if (kind === 'link') block = `${paragraph(lang, 1, 2)} ${linkSentence(lang)}`;
    else block = tableBlock(lang);
    const blockWords = wordCount(block);
    if (words + blockWords > MAX_WORDS) break;
    blocks.push(block);
    words += blockWords;
  }
  return `${blocks.join('\n\n')}\n`;
}

// ---------------------------------------------------------------- titles and summaries

function titles(topCategory, isAnnual, publishedYear) {
  const [placeEn, placeAr] = pick(PLACES);
  const a = int(0, EN.abuse.length - 1);
  const v = int(0, EN.victim.length - 1);
  const l = int(0, EN.law.length - 1);
  const y = year();
  const n = num();
  if (isAnnual) {
    const y = publishedYear - 1;
    return [`Annual Report ${y}: ${cap(EN.abuse[a])} and shrinking civic space`, `التقرير السنوي ${y}: ${AR.abuse[a]} وتضييق الفضاء المدني`];
  }
  const options = {
    Statements: [
      [`${cap(placeEn)}: Authorities must release ${EN.victim[v]}`, `${placeAr}: على السلطات الإفراج عن ${AR.victimG[v]}`],
      [`Qadira: Amendments to the ${EN.law[l]} threaten fundamental rights`, `قديرة: تعديلات ${AR.law[l]} تهدد الحقوق الأساسية`],
      [`End ${EN.abuse[a]} in ${placeEn}`, `أوقفوا ${AR.abuse[a]} في ${placeAr}`],
      [`Investigate allegations of ${EN.abuse[a]} in ${placeEn} now`, `يجب التحقيق فورًا في ادعاءات ${AR.abuse[a]} في ${placeAr}`],
    ],
    Reports: [
      [`New report documents ${EN.abuse[a]} in ${placeEn}`, `تقرير جديد يوثّق ${AR.abuse[a]} في ${placeAr}`],
      [`${n} testimonies: ${cap(EN.abuse[a])} in Qadira, ${y}`, `${n} شهادة: ${AR.abuse[a]} في قديرة عام ${y}`],
      [`Submission to the UN on ${EN.abuse[a]}`, `مذكرة إلى الأمم المتحدة بشأن ${AR.abuse[a]}`],
    ],
    News: [
      [`${n} ${EN.unit[0]} arrested after protest in ${placeEn}`, `اعتقال ${n} شخصًا بعد احتجاج في ${placeAr}`],
      [`Court adjourns trial of ${EN.victim[v]} in ${placeEn}`, `المحكمة تؤجّل محاكمة ${AR.victimG[v]} في ${placeAr}`],
      [`Wahat trains ${n} lawyers on documenting ${EN.abuse[a]}`, `واحة تدرّب ${n} محاميًا على توثيق ${AR.abuse[a]}`],
      [`Families of ${EN.victimGen[v % EN.victimGen.length]} hold sit-in in ${placeEn}`, `عائلات ${AR.victimGen[v % AR.victimGen.length]} تعتصم في ${placeAr}`],
    ],
  };
  return pick(options[topCategory]);
}

function summary(lang) {
  const text = sentence(lang).replace(/^\*|\*$/g, '');
  if (chance(0.4)) return text.replace(/(\d+)/, '**$1**');
  return text;
}

// ---------------------------------------------------------------- front matter

const yamlString = (value) => JSON.stringify(value);

function pad(n) {
  return String(n).padStart(2, '0');
}

/** Wall time in +03:00, represented by a Date whose UTC fields are the wall clock. */
function formatWall(wall, form) {
  const d = `${wall.getUTCFullYear()}-${pad(wall.getUTCMonth() + 1)}-${pad(wall.getUTCDate())}`;
  const t = `${pad(wall.getUTCHours())}:${pad(wall.getUTCMinutes())}:00`;
  if (form === 'date') return d;
  if (form === 'local') return `${d}T${t}`;
  if (form === 'offset') return `${d}T${t}+03:00`;
  const utc = new Date(wall.getTime() - 3 * 3600e3);
  return `${utc.toISOString().slice(0, 19)}Z`;
}

function uuid() {
  const hex = [];
  for (let i = 0; i < 32; i++) hex.push(Math.floor(random() * 16).toString(16));
  hex[12] = '4';
  hex[16] = '89ab'[Math.floor(random() * 4)];
  const h = hex.join('');
  return `urn:uuid:${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function asciiSlug(text) {
  return text
    .toLowerCase()
    .replace(/[’']/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .split('-')
    .slice(0, 7)
    .join('-');
}

function arabicSlug(text) {
  return text
    .replace(/[^\p{L}\p{N}\p{M}]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .split('-')
    .slice(0, 5)
    .join('-');
}

function categoriesYaml(paths) {
  const form = int(0, 3);
  if (paths.length === 1 && form === 0) return `categories: ${paths[0]}`;
  if (paths.length === 1 && form === 1) return `categories: ${yamlString(paths[0])}`;
  if (form === 3) return `categories:\n${paths.map((p) => `  - ${yamlString(p)}`).join('\n')}`;
  return `categories: [${paths.map(yamlString).join(', ')}]`;
}

function tagsYaml(tags) {
  if (chance(0.8)) return `tags: [${tags.map(yamlString).join(', ')}]`;
  return `tags:\n${tags.map((t) => `  - ${yamlString(t)}`).join('\n')}`;
}

function authorsYaml(people, lang) {
  const li = lang === 'en' ? 0 : 1;
  const base = 'https://bench.example.org';
  const entries = people.map((p) =>
    p === 'org' ? { name: ORG[li], url: `${base}/${lang}/about/` } : { name: STAFF[p][li], url: `${base}/${lang}/team/${STAFF[p][2]}/` },
  );
  if (entries.length === 1 && chance(0.35)) return `author: ${yamlString(entries[0].name)}`;
  if (entries.length === 1 && chance(0.5)) return `author:\n  name: ${yamlString(entries[0].name)}\n  url: ${yamlString(entries[0].url)}`;
  if (chance(0.25)) return `author: [${entries.map((e) => yamlString(e.name)).join(', ')}]`;
  return `author:\n${entries.map((e) => `  - name: ${yamlString(e.name)}\n    url: ${yamlString(e.url)}`).join('\n')}`;
}

function imageYaml(image, lang) {
  const lines = ['image:', `  url: ${image.url}`, `  alt: ${yamlString(image.alt[lang === 'en' ? 0 : 1])}`];
  if (image.type) lines.push(`  type: ${image.type}`);
  if (image.size) lines.push(`  size: ${image.size}`);
  return lines.join('\n');
}

// ---------------------------------------------------------------- config

const CONFIG = `# Site settings for the nashra benchmark corpus (generated by scripts/generate-corpus.mjs).
baseUrl: https://bench.example.org/
feedsPath: feeds/
timeZone: Asia/Amman
licenseUrl: https://creativecommons.org/licenses/by/4.0/
languages:
  en:
    siteName: Wahat Centre for Human Rights
    urlPattern: /{lang}/{section}/{slug}/
    rights: "© Wahat Centre for Human Rights. Text licensed under CC BY 4.0; republish with a link to the original."
  ar:
    siteName: مركز واحة لحقوق الإنسان
    urlPattern: /{lang}/{section}/{slug}/
    rights: "© مركز واحة لحقوق الإنسان. النصوص مرخّصة بموجب المشاع الإبداعي CC BY 4.0؛ يُرجى ذكر المصدر مع رابط إلى الأصل عند إعادة النشر."
feeds:
  limit: 50
  summaryLength: 300
  fullContent: true
  translationLine: true
  relatedInContent: true
  relatedCount: 5
categorySlugs:
  Statements: statements
  Joint Statements: joint-statements
  Reports: reports
  Annual Reports: annual-reports
  News: news
  بيانات: statements
  بيانات مشتركة: joint-statements
  تقارير: reports
  تقارير سنوية: annual-reports
  أخبار: news
`;

const SECTION = { Statements: 'statements', Reports: 'reports', News: 'news' };

// ---------------------------------------------------------------- main

const started = performance.now();
const postsDir = join(OUT, 'posts');
if (existsSync(postsDir)) {
  if (!args.force) {
    console.error(`${postsDir} already exists; pass --force to replace it`);
    process.exit(2);
  }
  rmSync(postsDir, { recursive: true, force: true });
}
mkdirSync(join(postsDir, 'en'), { recursive: true });
mkdirSync(join(postsDir, 'ar'), { recursive: true });

if (args.planted) {
  const compiled = join(dirname(dirname(fileURLToPath(import.meta.url))), 'dist', 'bench', 'plantedCorpus.js');
  if (!existsSync(compiled)) {
    console.error(`${compiled} is missing: compile first with \`npx tsc -p tsconfig.json\``);
    process.exit(2);
  }
  const { plantedCorpus } = await import(pathToFileURL(compiled).href);
  const corpus = plantedCorpus(ARTICLES, hashSeed(SEED));
  for (const file of corpus.files) writeFileSync(join(OUT, file.path), file.text);
  writeFileSync(join(OUT, 'clusters.json'), `${JSON.stringify(Object.fromEntries(corpus.clusterOf), null, 0)}\n`);
  writeFileSync(join(OUT, 'nashra.config.yaml'), 'baseUrl: https://bench.example.org/\nlanguages:\n  en: { siteName: Bench }\n  ar: { siteName: مقياس }\n');
  console.error(`${corpus.files.length} planted post files, ${corpus.clusterOf.size} articles, in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  process.exit(0);
}

let files = 0;
let bytes = 0;
const write = (path, text) => {
  const buffer = Buffer.from(text, 'utf8');
  writeFileSync(path, buffer);
  files++;
  bytes += buffer.length;
};
write(join(OUT, 'nashra.config.yaml'), CONFIG);

const FIRST = Date.UTC(2016, 0, 1);
const SPAN_DAYS = 3653; // ten years
const counts = { both: 0, en: 0, ar: 0 };

for (let i = 0; i < ARTICLES; i++) {
  const kind = weighted([[85, 'both'], [9, 'en'], [6, 'ar']]);
  counts[kind]++;
  const langs = kind === 'both' ? ['en', 'ar'] : [kind];

  // Shared by both versions of the article.
  const primary = weighted(CATEGORIES);
  const paths = [primary];
  if (chance(0.12)) {
    const second = weighted(CATEGORIES);
    if (second[0].split('/')[0] !== primary[0].split('/')[0]) paths.push(second);
  }
  const top = primary[0].split('/')[0];
  const isAnnual = primary[0] === 'Reports/Annual Reports';
  const wall = new Date(FIRST + int(0, SPAN_DAYS - 1) * 86400e3 + int(28, 80) * 15 * 60e3);
  const [titleEn, titleAr] = titles(top, isAnnual, wall.getUTCFullYear());
  const key = `${asciiSlug(titleEn)}-${i + 1}`;
  const tagIndices = distinct(tagSampler, weighted([[1, 1], [3, 2], [4, 3], [3, 4], [2, 5], [1, 6]]));
  const dateForm = weighted([[25, 'date'], [20, 'local'], [45, 'offset'], [10, 'utc']]);
  const updated = chance(0.2) ? new Date(wall.getTime() + int(2, 24 * 60) * 3600e3) : undefined;
  const updatedForm = chance(0.7) ? 'offset' : 'utc';
  const authorCount = weighted([[6, 1], [3, 2], [1, 3]]);
  const people = authorCount === 1 && chance(0.5) ? ['org'] : distinct(() => int(0, STAFF.length - 1), authorCount);
  const image = chance(0.3)
    ? {
        url: chance(0.7) ? `/images/${key}.${pick(['jpg', 'jpg', 'png', 'webp'])}` : `https://cdn.bench.example.org/media/${year()}/${int(1000, 99999)}.jpg`,
        alt: [
          `${cap(pick(EN.victim))} ${pick(['outside', 'near'])} ${pick(EN.building)} in ${pick(PLACES)[0]}`,
          `${pick(AR.building)} في ${pick(PLACES)[1]}`,
        ],
        type: chance(0.5) ? 'image/jpeg' : undefined,
        size: chance(0.4) ? int(40_000, 900_000) : undefined,
      }
    : undefined;
  const withSummary = chance(0.5);
  const targetWords = Math.round(250 + 950 * random() ** 1.6); // 250..1,200, skewed towards shorter posts
  const keyed = kind === 'both' || chance(0.5);

  for (const lang of langs) {
    const li = lang === 'en' ? 0 : 1;
    const title = li === 0 ? titleEn : titleAr;
    const lines = ['---', `title: ${yamlString(title)}`, `date: ${formatWall(wall, dateForm)}`];
    if (updated && (lang === 'en' || chance(0.6))) lines.push(`updated: ${formatWall(updated, updatedForm)}`);
    if (keyed) lines.push(`translationKey: ${key}`);
    let slug = key;
    if (lang === 'ar' && chance(0.25)) {
      slug = `${arabicSlug(titleAr)}-${i + 1}`;
      lines.push(`slug: ${yamlString(slug)}`);
    }
    if (chance(0.08)) lines.push(`id: ${yamlString(uuid())}`);
    if (withSummary) lines.push(`summary: ${yamlString(summary(lang))}`);
    lines.push(categoriesYaml(paths.map((p) => p[li])));
    lines.push(tagsYaml(tagIndices.map((t) => TAGS[t][li])));
    lines.push(authorsYaml(people, lang));
    if (image) lines.push(imageYaml(image, lang));
    lines.push('---', '');
    const words = Math.min(MAX_WORDS - 60, Math.max(MIN_WORDS, targetWords + int(-30, 30)));
    const text = `${lines.join('\n')}\n${body(lang, words, top === 'Reports')}`;
    const fileName = kind === 'both' ? key : `${lang}-only-${key}`;
    write(join(postsDir, lang, `${fileName}.md`), text);
    published[lang].push({ section: SECTION[top], slug });
  }
}

const seconds = ((performance.now() - started) / 1000).toFixed(2);
const mb = (bytes / 1024 / 1024).toFixed(1);
console.log(
  `wrote ${files} files (${files - 1} posts + config; ${counts.both} bilingual, ${counts.en} English-only, ${counts.ar} Arabic-only articles), ${bytes} bytes (${mb} MB) to ${OUT} in ${seconds} s`,
);
