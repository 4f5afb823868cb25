import i18next, { type TFunction } from 'i18next';
import { resources } from './resources.js';

export type Translate = TFunction;

/** Primary language subtags written right to left: the direction of a language that declares none. */
export const RTL_LANGUAGES = ['ar', 'he', 'fa', 'ur', 'ps', 'sd', 'ckb', 'yi', 'dv'] as const;

const instances = new Map<string, Translate>();

/** Interface text a site adds or overrides for one language, in the shape of `resources.en.translation`. */
export type Strings = Record<string, unknown>;

/**
 * A translation function bound to one language, falling back to English.
 * `strings` come from the site config, so a new language needs no code.
 * Initialised synchronously: resources are bundled, nothing is fetched.
 */
export function translator(lang: string, strings?: Strings): Translate {
  const key = strings === undefined ? lang : `${lang} ${JSON.stringify(strings)}`;
  const cached = instances.get(key);
  if (cached) return cached;
  const instance = i18next.createInstance();
  const bundled: Record<string, { translation: Strings }> = resources;
  void instance.init({
    lng: lang,
    fallbackLng: 'en',
    resources: strings === undefined ? bundled : { ...bundled, [lang]: { translation: deepMerge(bundled[lang]?.translation ?? {}, strings) } },
    initAsync: false,
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  const t = instance.t.bind(instance) as Translate;
  instances.set(key, t);
  return t;
}

function deepMerge(base: Strings, extra: Strings): Strings {
  const merged: Strings = { ...base };
  for (const [key, value] of Object.entries(extra)) {
    const current = merged[key];
    merged[key] =
      isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : value;
  }
  return merged;
}

function isPlainObject(value: unknown): value is Strings {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function hasResources(lang: string): boolean {
  return lang in resources;
}

/**
 * A language's name from the platform's CLDR data: by default its own name for
 * itself ("English", "العربية"), as a language switcher shows it; in another
 * language where a sentence of that language names it ("الإنجليزية").
 */
export function languageName(lang: string, inLanguage: string = lang): string {
  const key = `${lang} ${inLanguage}`;
  let name = languageNames.get(key);
  if (name === undefined) {
    // Made once: every full-content item names its other languages, and each `Intl.DisplayNames` costs about 0.1 ms.
    name = new Intl.DisplayNames([inLanguage], { type: 'language' }).of(lang) ?? lang;
    languageNames.set(key, name);
  }
  return name;
}

const languageNames = new Map<string, string>();

/** A calendar date as readers of `lang` write it, in the site's time zone. */
export function formatDate(date: Date, lang: string, timeZone: string): string {
  const key = `${lang} ${timeZone}`;
  let format = dateFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeZone });
    dateFormats.set(key, format);
  }
  return format.format(date);
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();
