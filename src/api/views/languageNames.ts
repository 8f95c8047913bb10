/**
 * Language tags (`en`, `es`, `pt-BR`) as staff read them on the pages: each language's own name for
 * itself, capitalised (`English`, `Español`, `Português (Brasil)`), as its speakers know it.
 */

/**
 * `tag`'s name in that language, capitalised (`en` → `English`, `es` → `Español`), from the runtime's
 * CLDR data (Intl.DisplayNames); the tag itself for one it cannot name (malformed, or unknown to it).
 */
export function nativeLanguageName(tag: string): string {
  let name: string | undefined;
  try {
    name = new Intl.DisplayNames([tag], { type: 'language', fallback: 'none' }).of(tag);
  } catch {
    // A malformed tag: shown as it is.
  }
  if (name === undefined) return tag;
  return name.charAt(0).toLocaleUpperCase(tag) + name.slice(1);
}

/** `tag`'s name with the tag staff type to open it: `Español (es)`. */
export function nativeLanguageNameWithTag(tag: string): string {
  const name = nativeLanguageName(tag);
  return name === tag ? tag : `${name} (${tag})`;
}
