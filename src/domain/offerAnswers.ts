/**
 * What a patient's answer to a waitlist offer means. Answers arrive normalised (`normaliseAnswer`:
 * upper case, no accents, so `Sí` is `SI`). An offer asks YES or NO (SI or NO in Spanish).
 */

/** Answers an offer accepts. */
export const OFFER_ANSWERS = ['YES', 'SI', 'NO'] as const;

/** The answers an offer invites, in the words its text uses: what the help lists when the patient texts something else. */
export function invitedOfferAnswers(language: string): string[] {
  return language.split('-')[0] === 'es' ? ['SI', 'NO'] : ['YES', 'NO'];
}

/** Reads a normalised answer: `take` (YES, SI), `pass` (NO), or null when it means nothing to an offer. */
export function readOfferAnswer(answer: string): 'take' | 'pass' | null {
  if (answer === 'YES' || answer === 'SI') return 'take';
  return answer === 'NO' ? 'pass' : null;
}
