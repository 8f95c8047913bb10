/**
 * The `language` of TwiML `<Say>` for a text written in one of our language tags. Twilio reads a
 * text with a voice of the language given; it takes `lang-REGION` codes only. Source: Twilio, "TwiML
 * Voice: <Say>", attribute `language` (twilio.com/docs/voice/twiml/say#attributes-language), as typed
 * by the twilio package (`VoiceResponse.SayLanguage`).
 */
import type twilio from 'twilio';

/** A language `<Say>` takes. */
export type SayLanguage = NonNullable<Parameters<twilio.twiml.VoiceResponse['say']>[0]['language']>;

// The region a bare language is read in: our patients' (es-MX for Latin America, en-US, pt-BR, hi-IN).
const DEFAULT_REGION: Record<string, SayLanguage> = {
  ca: 'ca-ES',
  da: 'da-DK',
  de: 'de-DE',
  en: 'en-US',
  es: 'es-MX',
  fi: 'fi-FI',
  fr: 'fr-FR',
  hi: 'hi-IN',
  it: 'it-IT',
  ja: 'ja-JP',
  ko: 'ko-KR',
  nb: 'nb-NO',
  nl: 'nl-NL',
  pl: 'pl-PL',
  pt: 'pt-BR',
  ru: 'ru-RU',
  sv: 'sv-SE',
  ta: 'ta-IN',
  tr: 'tr-TR',
  zh: 'zh-CN',
};

// Regional forms Twilio reads that a clinic may write templates in.
const REGIONAL: ReadonlySet<string> = new Set<SayLanguage>([
  'en-AU',
  'en-CA',
  'en-GB',
  'en-IE',
  'en-IN',
  'en-NZ',
  'en-US',
  'en-ZA',
  'es-ES',
  'es-MX',
  'es-US',
  'fr-CA',
  'fr-FR',
  'fr-BE',
  'de-AT',
  'de-DE',
  'nl-BE',
  'nl-NL',
  'pt-BR',
  'pt-PT',
  'zh-CN',
  'zh-HK',
  'zh-TW',
]);

/**
 * The `<Say>` language for a text in `language` (`en`, `es`, `es-MX`, `pt-BR`): the tag itself when
 * Twilio reads it, else its base language's usual region (`es` → `es-MX`), else `en-US`.
 */
export function sayLanguage(language: string): SayLanguage {
  if (REGIONAL.has(language)) return language as SayLanguage;
  return DEFAULT_REGION[language.split('-')[0]!] ?? 'en-US';
}
