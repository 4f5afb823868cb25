import i18next, { type TFunction } from 'i18next';
import { resources } from './resources.js';

export type Translate = TFunction;

const instances = new Map<string, Translate>();

/**
 * A translation function bound to one language, falling back to English.
 * Initialised synchronously: resources are bundled, nothing is fetched.
 */
export function translator(lang: string): Translate {
  const cached = instances.get(lang);
  if (cached) return cached;
  const instance = i18next.createInstance();
  void instance.init({
    lng: lang,
    fallbackLng: 'en',
    resources,
    initAsync: false,
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  const t = instance.t.bind(instance) as Translate;
  instances.set(lang, t);
  return t;
}

export function hasResources(lang: string): boolean {
  return lang in resources;
}

/** A language's own name for itself ("English", "العربية"), from the platform's CLDR data. */
export function languageName(lang: string): string {
  return new Intl.DisplayNames([lang], { type: 'language' }).of(lang) ?? lang;
}

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
