/**
 * Every text Frontdesk sends a walk-in patient, in English and Spanish. Kept to the GSM-7 alphabet (no
 * emoji, straight quotes, Spanish without á, í, ó, ú) so each stays one or two SMS segments (Twilio:
 * GSM-7 160 characters, 153 when split). Each language's texts invite its own command words: the
 * English JOIN, STATUS, LEAVE and HELP, the Spanish FILA, ESTADO, SALIR and AYUDA (commands.ts reads
 * both sets from anyone). STOP stays in English in both: it is Twilio's opt-out keyword.
 */
import { shippedLanguageOf, FALLBACK_LANGUAGE, type ShippedLanguage } from './languages.js';
import { formatServiceDay } from './serviceDay.js';
import { withGsm7Letters } from './smsSegments.js';
import type { TicketState } from './ticketStates.js';

/** `YES, NO, or CHANGE` / `SI, NO o CAMBIAR`: the words a patient may answer, as the language lists alternatives (Intl.ListFormat). */
const anyOf = (language: 'en' | 'es', words: readonly string[]): string => new Intl.ListFormat(language, { type: 'disjunction' }).format(words);

/**
 * How a patient reading the help, or a text we did not understand, in one language switches to the
 * other (`ESPAÑOL` / `ENGLISH`, commands.ts), written in the language they would rather read: a
 * Spanish speaker who texts `hola` gets English until they find this line.
 */
const TO_SPANISH = 'Para español, responda ESPAÑOL.';
const TO_ENGLISH = 'For English, reply ENGLISH.';

/** The Spanish word a Spanish text invites for each walk-in command (commands.ts SPANISH_COMMAND_WORDS). */
const SPANISH_WALK_IN_WORDS: Readonly<Record<string, string>> = { JOIN: 'FILA', STATUS: 'ESTADO', LEAVE: 'SALIR', HELP: 'AYUDA' };

/** A ticket as the patient hears about it. `etaMinutes` is whole minutes; `position` counts from 1. */
export interface TicketStanding {
  code: string;
  state: TicketState;
  position: number | null;
  etaMinutes: number | null;
}

/** Messages a ticket workflow sends on its own (not replies to a text). */
export type TicketNotice = 'called' | 'still_calling' | 'closed_for_day' | 'no_show';

/** The walk-in texts of one language, each taking the clinic's name first. */
export interface PatientTexts {
  joined(clinic: string, t: TicketStanding): string;
  /**
   * The JOIN reply after closing time: the ticket waits for the next open day, `day` (the ticket's
   * clinic-local service day, `YYYY-MM-DD`), which it names (`Tuesday, Dec 8`, `martes, 8 dic`).
   */
  joinedNextDay(clinic: string, t: TicketStanding, day: string): string;
  alreadyJoined(clinic: string, t: TicketStanding): string;
  /** A repeated JOIN's reply for a ticket that waits for the next open day, worded as `joinedNextDay`. */
  alreadyJoinedNextDay(clinic: string, t: TicketStanding, day: string): string;
  status(clinic: string, t: TicketStanding): string;
  /** STATUS for a ticket that waits for the next open day, worded as `joinedNextDay`. */
  statusNextDay(clinic: string, t: TicketStanding, day: string): string;
  notInLine(clinic: string): string;
  left(clinic: string, code: string): string;
  cannotLeaveInRoom(clinic: string, code: string): string;
  /** `phoneForPeople`: the number to call, written for people, or words such as `the clinic`. */
  help(clinic: string, phoneForPeople: string): string;
  /**
   * `answers`: what the patient's open questions invited (`YES`, `NO`, `CHANGE`, `1`…), listed first,
   * and the walk-in commands that apply (`JOIN`, or `STATUS` and `LEAVE`), in English: each language
   * writes those in its own words.
   */
  unknown(clinic: string, answers?: readonly string[]): string;
  /** The confirmation of an opt-out Twilio does not confirm itself (commands.ts, `twilioConfirmsOptOut`): one text, then none. */
  optedOut(clinic: string): string;
  optedIn(clinic: string): string;
  /** The answer to ESPAÑOL / ENGLISH, in the language just chosen. */
  languageSet(clinic: string): string;
  notice(clinic: string, code: string, notice: TicketNotice): string;
}

/** The wait in words: none to speak of at 0 minutes (a room is free), else the estimate in whole minutes. */
const waitEn = (t: TicketStanding): string => (t.etaMinutes === 0 ? 'with little or no wait' : `estimated wait ${t.etaMinutes ?? '?'} min`);
const waitEs = (t: TicketStanding): string => (t.etaMinutes === 0 ? 'con poca o ninguna espera' : `espera estimada ${t.etaMinutes ?? '?'} min`);

function placeEn(t: TicketStanding): string {
  if (t.state === 'next') return `it's your turn - please come to the front desk now.`;
  if (t.state === 'in_room') return `you're being seen now.`;
  return `you're #${t.position ?? '?'} in line, ${waitEn(t)}.`;
}

function placeEs(t: TicketStanding): string {
  if (t.state === 'next') return `le toca a usted: venga ahora al mostrador de entrada.`;
  if (t.state === 'in_room') return `ya le estamos atendiendo.`;
  return `tiene el lugar #${t.position ?? '?'} en la fila, ${waitEs(t)}.`;
}

/** The next open day, a service day `YYYY-MM-DD`, named: `Tuesday, Dec 8`; `martes, 8 dic` (`sabado` without its accent, for GSM-7). */
const dayEn = (day: string): string => formatServiceDay(day, 'en');
const dayEs = (day: string): string => withGsm7Letters(formatServiceDay(day, 'es'));

/** A place in the next open day's line: the wait counts from opening. */
const placeNextDayEn = (t: TicketStanding): string => `you're #${t.position ?? '?'} in line, ${waitEn(t)} once we open.`;
const placeNextDayEs = (t: TicketStanding): string => `tiene el lugar #${t.position ?? '?'} en la fila, ${waitEs(t)} al abrir.`;

const english: PatientTexts = {
  joined: (clinic, t) =>
    `${clinic}: your ticket is ${t.code} and ${placeEn(t)} We'll text you when it's your turn. Reply STATUS for your place, LEAVE to give up your spot.`,
  joinedNextDay: (clinic, t, day) =>
    `${clinic}: we've closed for today, so your ticket ${t.code} is for our next open day, ${dayEn(day)}: ${placeNextDayEn(t)} We'll text you when it's your turn. Reply LEAVE to give up your spot.`,
  alreadyJoined: (clinic, t) => `${clinic}: you're already in line with ticket ${t.code}; ${placeEn(t)}`,
  alreadyJoinedNextDay: (clinic, t, day) =>
    `${clinic}: you're already in line with ticket ${t.code}, for our next open day, ${dayEn(day)}: ${placeNextDayEn(t)}`,
  status: (clinic, t) => `${clinic}: ticket ${t.code}, ${placeEn(t)}`,
  statusNextDay: (clinic, t, day) => `${clinic}: ticket ${t.code} is for our next open day, ${dayEn(day)}: ${placeNextDayEn(t)}`,
  notInLine: (clinic) => `${clinic}: you're not in line right now. Reply JOIN to get a ticket.`,
  left: (clinic, code) => `${clinic}: you've left the line (ticket ${code}). Reply JOIN if you'd like to come back.`,
  cannotLeaveInRoom: (clinic, code) => `${clinic}: ticket ${code} is being seen now, so it can't leave the line.`,
  help: (clinic, phoneForPeople) =>
    `${clinic} walk-in line. Reply JOIN to get a ticket, STATUS for your place, LEAVE to give up your spot. Questions? Call ${phoneForPeople} or ask at the front desk. Reply STOP to stop all texts. ${TO_SPANISH}`,
  unknown: (clinic, answers = []) =>
    answers.length === 0
      ? `${clinic}: sorry, we didn't understand. Reply JOIN to get in line, STATUS for your place, LEAVE to leave, HELP for help. ${TO_SPANISH}`
      : `${clinic}: sorry, we didn't understand. You can reply ${anyOf('en', answers)}. Reply HELP for help. ${TO_SPANISH}`,
  optedOut: (clinic) => `${clinic}: you won't get any more texts from us. Reply START to get them again.`,
  optedIn: (clinic) => `${clinic}: you'll get our texts again. Reply JOIN to get in line, HELP for help.`,
  languageSet: (clinic) => `${clinic}: we'll text you in English from now on. Reply ESPAÑOL for Spanish.`,
  notice: (clinic, code, notice) => {
    switch (notice) {
      case 'called':
        return `${clinic}: ticket ${code}, you're next! Please come to the front desk now.`;
      case 'still_calling':
        return `${clinic}: ticket ${code}, we are calling you. Please come to the front desk now, or reply LEAVE if you can't make it.`;
      case 'closed_for_day':
        return `${clinic}: the walk-in line has closed for the day, so ticket ${code} has ended. We're sorry we couldn't see you today.`;
      case 'no_show':
        return `${clinic}: we called ticket ${code} but couldn't find you, so it has ended. Reply JOIN to get back in line.`;
    }
  },
};

const spanish: PatientTexts = {
  joined: (clinic, t) =>
    `${clinic}: su turno es ${t.code} y ${placeEs(t)} Le avisaremos cuando le toque. Responda ESTADO para ver su lugar, SALIR para dejar la fila.`,
  joinedNextDay: (clinic, t, day) =>
    `${clinic}: hoy ya cerramos, por eso su turno ${t.code} es para nuestra siguiente jornada, el ${dayEs(day)}: ${placeNextDayEs(t)} Le avisaremos cuando le toque. Responda SALIR para dejar la fila.`,
  alreadyJoined: (clinic, t) => `${clinic}: ya tiene el turno ${t.code} en la fila; ${placeEs(t)}`,
  alreadyJoinedNextDay: (clinic, t, day) =>
    `${clinic}: ya tiene el turno ${t.code} en la fila, para nuestra siguiente jornada, el ${dayEs(day)}: ${placeNextDayEs(t)}`,
  status: (clinic, t) => `${clinic}: turno ${t.code}, ${placeEs(t)}`,
  statusNextDay: (clinic, t, day) => `${clinic}: el turno ${t.code} es para nuestra siguiente jornada, el ${dayEs(day)}: ${placeNextDayEs(t)}`,
  notInLine: (clinic) => `${clinic}: ahora no tiene turno en la fila. Responda FILA para pedir uno.`,
  left: (clinic, code) => `${clinic}: ha dejado la fila (turno ${code}). Responda FILA si quiere volver.`,
  cannotLeaveInRoom: (clinic, code) => `${clinic}: ya le estamos atendiendo con el turno ${code}, por eso no puede dejar la fila.`,
  help: (clinic, phoneForPeople) =>
    `${clinic}, fila sin cita. Responda FILA para pedir turno, ESTADO para ver su lugar, SALIR para dejar la fila. ¿Dudas? Llame al ${phoneForPeople} o pregunte en el mostrador. Responda STOP para no recibir textos. ${TO_ENGLISH}`,
  unknown: (clinic, answers = []) =>
    answers.length === 0
      ? `${clinic}: perdone, no le entendimos. Responda FILA para pedir turno, ESTADO para ver su lugar, SALIR para dejar la fila, AYUDA para ayuda. ${TO_ENGLISH}`
      : `${clinic}: perdone, no le entendimos. Puede responder ${anyOf(
          'es',
          answers.map((word) => SPANISH_WALK_IN_WORDS[word] ?? word),
        )}. Responda AYUDA para ayuda. ${TO_ENGLISH}`,
  optedOut: (clinic) => `${clinic}: no le enviaremos otros textos. Responda START para recibirlos de nuevo.`,
  optedIn: (clinic) => `${clinic}: le enviaremos nuestros textos de nuevo. Responda FILA para pedir turno, AYUDA para ayuda.`,
  languageSet: (clinic) => `${clinic}: desde ahora le escribiremos en español. Responda ENGLISH para inglés.`,
  notice: (clinic, code, notice) => {
    switch (notice) {
      case 'called':
        return `${clinic}: turno ${code}, ¡le toca! Venga ahora al mostrador de entrada.`;
      case 'still_calling':
        return `${clinic}: turno ${code}, le estamos llamando. Venga ahora al mostrador de entrada, o responda SALIR si no puede venir.`;
      case 'closed_for_day':
        return `${clinic}: la fila de hoy ha cerrado, por eso el turno ${code} ha terminado. Sentimos no haberle podido atender hoy.`;
      case 'no_show':
        return `${clinic}: llamamos el turno ${code} pero no le encontramos, por eso ha terminado. Responda FILA para volver a la fila.`;
    }
  },
};

/** The walk-in texts in each shipped language. */
export const patientTexts: Record<ShippedLanguage, PatientTexts> = { en: english, es: spanish };

/**
 * The walk-in texts for a patient who reads `language` (`es`, `es-MX`, …) at a clinic whose default
 * language is `clinicDefault`: the first of the two that ships (regional forms count), else English.
 */
export function patientTextsIn(language: string, clinicDefault: string = FALLBACK_LANGUAGE): PatientTexts {
  return patientTexts[shippedLanguageOf(language) ?? shippedLanguageOf(clinicDefault) ?? FALLBACK_LANGUAGE];
}
