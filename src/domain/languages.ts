/**
 * Languages patients read. A language is a BCP 47 tag of a language and an optional region (`en`,
 * `es`, `pt-BR`) that `Intl` knows, so dates can be written in it. English and Spanish ship with
 * every text; a clinic may add templates in any other language.
 */
import { z } from 'zod';

/** Languages every text ships in. */
export const SHIPPED_LANGUAGES = ['en', 'es'] as const;
/** A language every text ships in. */
export type ShippedLanguage = (typeof SHIPPED_LANGUAGES)[number];

/** The language of last resort: every text exists in it. */
export const FALLBACK_LANGUAGE: ShippedLanguage = 'en';

/** `en`, `es`, `pt-BR`: a language subtag and an optional region (the tables' check in db/migrations). */
export const LANGUAGE_TAG_PATTERN = /^[a-z]{2,3}(-[A-Z]{2})?$/;

const LANGUAGE_MESSAGE = 'must be a language tag such as en, es or pt-BR';

/** Whether `tag` matches `LANGUAGE_TAG_PATTERN` and is a language `Intl` can write dates in. */
export function isKnownLanguage(tag: string): boolean {
  return LANGUAGE_TAG_PATTERN.test(tag) && Intl.DateTimeFormat.supportedLocalesOf(tag).length > 0;
}

/** A language tag (see `isKnownLanguage`). */
export const ZLanguage = z.string({ error: LANGUAGE_MESSAGE }).refine(isKnownLanguage, LANGUAGE_MESSAGE);

/** The shipped language `tag` is, or is a regional form of (`es-MX` → `es`), if any. */
export function shippedLanguageOf(tag: string): ShippedLanguage | undefined {
  const base = tag.split('-')[0];
  return SHIPPED_LANGUAGES.find((language) => language === base);
}

/**
 * The languages a patient who reads `language` at a clinic whose default is `clinicDefault` may be
 * written to, in order: the language, its base language (`es-MX` → `es`), the clinic's default and its
 * base; no duplicates.
 */
export function readerLanguages(language: string, clinicDefault: string): string[] {
  return [...new Set([language, language.split('-')[0]!, clinicDefault, clinicDefault.split('-')[0]!])];
}

/**
 * The languages to try, in order, for a text to a patient who reads `language` at a clinic whose
 * default is `clinicDefault`: `readerLanguages`, then `en`; no duplicates.
 */
export function languageFallbacks(language: string, clinicDefault: string): string[] {
  return [...new Set([...readerLanguages(language, clinicDefault), FALLBACK_LANGUAGE])];
}
