/**
 * Message templates: the wording of each appointment message, per kind and language, with
 * `{placeholder}`s filled in when it is sent. The defaults here ship in English and Spanish; a clinic
 * may save its own (`message_templates`), which win over these.
 *
 * No health information (the PHI rule, README "Patient texts carry no health information"): a text
 * or call may say when (date, time), where (the clinic, its phone) and with whom (the provider), and
 * address the patient by name; never the service, reason, diagnosis or specialty. Anyone may read a
 * lock screen or hear a voicemail. So `{specialty}` is refused in every template (it stays a known
 * name only so that a template saved before the rule renders it as nothing), and a voicemail carries
 * no provider either.
 *
 * Carrier-safe words: no template invites `CANCEL` (or `CANCELAR`). CANCEL is one of Twilio's default
 * opt-out words: a patient who texts it is opted out by Twilio from every later text. Reminders ask
 * for YES / NO / CHANGE (SI / NO / CAMBIAR), and so does the line after a staff move's text
 * (`rescheduled_question`).
 *
 * The spoken call texts (`CALL_KINDS`) are read by Twilio's text-to-speech, not texted: they may
 * use any letter (Spanish with its accents) and any length.
 *
 * The texted defaults keep to the GSM-7 alphabet (Spanish without á, í, ó, ú, which GSM-7 lacks; é and ñ are
 * in it) so that, with typical values, each fits one SMS segment (see smsSegments.ts).
 *
 * The Spanish defaults, texted and spoken, put the time after the date with a comma (`el {date}, {time}`:
 * `el mar, 10 de nov, 1:00 p.m.`), never `a las {time}`: Spanish says `a la 1:00` but `a las 2:00`, and
 * `{time}` is the clock alone, so `a las` would be wrong for one o'clock on a 12-hour clock.
 */
import type { ShippedLanguage } from './languages.js';

/**
 * What a reminder call says (TwiML `<Say>`), not texted: the keypad menu, the voicemail left on a
 * machine, the outcome of each key, the goodbye when no key is pressed, the menu again after a wrong
 * key (a short apology and the choices, without the greeting) and after no key (that no key was
 * heard and the choices, without the greeting), the goodbye after wrong keys on every menu, the apology when the answer could not be recorded,
 * and what a mobile hears for another time when none is open (`call_no_open_slots`: the visit stays, call the clinic; the
 * `no_open_slots` text follows) or when the text with the open times could not be sent before the call's
 * answer (`call_times_not_sent`: the visit stays, the clinic will call back), and what a key hears when
 * the question the call asked closed during the call (`call_question_closed`: staff moved the
 * appointment, whose text asks about the new time, or the question was answered; the key changed
 * nothing, a text has the details), and what a call answered after its visit was cancelled says instead of
 * the menu (`call_visit_cancelled`: staff or the patient cancelled it while the phone rang; a visit
 * moved meanwhile hears `call_voicemail`, its new time and the office phone). A number known to be a landline (src/messaging/knownLandlines.ts)
 * is texted nothing after the call: its outcomes (`*_landline`) promise no text, and for another
 * time it is asked to call the clinic.
 */
export const CALL_KINDS = [
  'call_reminder',
  'call_voicemail',
  'call_confirmed',
  'call_cancelled',
  'call_reschedule',
  'call_goodbye',
  'call_unrecorded',
  'call_confirmed_landline',
  'call_cancelled_landline',
  'call_reschedule_landline',
  'call_wrong_keys',
  'call_not_a_choice',
  'call_no_key',
  'call_no_open_slots',
  'call_times_not_sent',
  'call_question_closed',
  'call_question_closed_landline',
  'call_visit_cancelled',
] as const;
/** A kind of spoken call text. */
export type CallKind = (typeof CALL_KINDS)[number];

/** Whether `kind` is spoken on a call rather than texted. */
export function isCallKind(kind: string): kind is CallKind {
  return (CALL_KINDS as readonly string[]).includes(kind);
}

/** Every kind of texted appointment message (SMS or WhatsApp). */
export const TEXT_KINDS = [
  'booking_confirmation',
  'reminder',
  'confirmed_reminder',
  'confirmed',
  'cancelled',
  'reschedule_options',
  'rescheduled',
  'no_open_slots',
  'followup_reminder',
  'help',
  'list_help',
  'offer_help',
  'offer',
  'offer_won',
  'offer_taken',
  'offer_declined',
  'offer_withdrawn',
] as const;
/**
 * Lines never texted alone: each is written on a line of its own before or after another kind's text.
 * `rescheduled_question` is the reminder's question (YES / NO / CHANGE) after a staff move's
 * `rescheduled` text, which opens that question about the new time. It is a kind of its own, not part
 * of `rescheduled`, because `rescheduled` is also the reply to a patient's pick from the list of open
 * times (already confirmed: nothing to ask) and the answer to a reminder answered after a move but
 * before its text went (nothing can take an answer yet), and because a clinic's own `rescheduled`
 * wording, written before the question existed, still gets it.
 * `slot_taken` comes before the fresh list of open times (`reschedule_options`) that answers a
 * patient's pick from the list when someone else took that time while they chose. A line of its own
 * because that text is also the answer to CHANGE, where nothing was taken. Not before `no_open_slots`
 * (no time left): a pick refused because staff made the provider inactive meanwhile ends there too,
 * and its time was not taken.
 * A line has no WhatsApp template of its own: outside the 24-hour window the approved template of the
 * text it goes with carries `rescheduled_question` in its `{question}` variable, and a text whose
 * template has none goes by SMS (src/clinics/whatsAppTemplates.ts); a `slot_taken` line goes only
 * with a reply, inside the window.
 */
export const LINE_KINDS = ['rescheduled_question', 'slot_taken'] as const;
/** A kind of line written before or after another kind's text. */
export type LineKind = (typeof LINE_KINDS)[number];

/**
 * The line each text ends with when it opens the reminder's question without asking it itself: a
 * staff move's `rescheduled` text (a reminder's own wording asks it).
 */
export const QUESTION_LINES: Partial<Record<TextKind, LineKind>> = { rescheduled: 'rescheduled_question' };

/**
 * The waitlist offer texts (src/workflows/cancellationOfferWorkflow.ts): the offer of a freed slot,
 * then what the patient is told when their YES wins it, when it was taken by someone quicker, when
 * they pass (NO) and when staff withdraw it. Time and place only: never the provider, the service or
 * the patient's name (a text may be read by anyone holding the phone).
 */
export const OFFER_KINDS = ['offer', 'offer_won', 'offer_taken', 'offer_declined', 'offer_withdrawn'] as const satisfies readonly TextKind[];
/** A kind of waitlist offer text. */
export type OfferKind = (typeof OFFER_KINDS)[number];
/** Every kind of appointment message: texted, the lines after a text, then spoken. */
export const MESSAGE_KINDS = [...TEXT_KINDS, ...LINE_KINDS, ...CALL_KINDS] as const;
/** A kind of texted appointment message. */
export type TextKind = (typeof TEXT_KINDS)[number];
/** A kind of appointment message. */
export type MessageKind = (typeof MESSAGE_KINDS)[number];

/**
 * Every placeholder a template may use, written `{name}` in a body. `slots` is the numbered list of
 * open times (`1) Tue 12 Nov 10:00`, one a line) and belongs to `reschedule_options` only;
 * `location` (where a freed slot is) and `hold_minutes` (how long an offer holds) belong to the offer texts.
 */
export const PLACEHOLDERS = [
  'patient_name',
  'doctor_name',
  'date',
  'time',
  'followup_date',
  'clinic_name',
  'specialty',
  'office_phone',
  'slots',
  'location',
  'hold_minutes',
] as const;
/** A placeholder's name (without braces). */
export type Placeholder = (typeof PLACEHOLDERS)[number];

/** The values to fill a template with; a missing one is written as nothing. */
export type PlaceholderValues = Partial<Record<Placeholder, string>>;

/** The kinds a placeholder is limited to, if any. */
const PLACEHOLDER_KINDS: Partial<Record<Placeholder, readonly MessageKind[]>> = {
  slots: ['reschedule_options'],
  location: OFFER_KINDS,
  hold_minutes: ['offer'],
};

/** What an offer text may not say: who the provider is, what the visit is for, whose it is. */
const NOT_IN_OFFERS: Placeholder[] = ['patient_name', 'doctor_name', 'specialty', 'followup_date'];

/**
 * Placeholders no template may contain: health information (the PHI rule above). Never filled when a
 * message is rendered.
 */
export const HEALTH_INFORMATION_PLACEHOLDERS: readonly Placeholder[] = ['specialty'];

/**
 * Placeholders a kind's template may not contain besides those. A voicemail may be heard by anyone in
 * the household: it carries the time and the office phone, not even the provider. An offer goes to a
 * patient who has no appointment at that time yet: time and place only (issue 10).
 */
const FORBIDDEN_PLACEHOLDERS: Partial<Record<MessageKind, Placeholder[]>> = {
  call_voicemail: ['doctor_name'],
  // Said to a machine as well as to a person.
  call_visit_cancelled: ['doctor_name'],
  ...Object.fromEntries(OFFER_KINDS.map((kind) => [kind, NOT_IN_OFFERS])),
};

/** Whether `kind` is a waitlist offer text. */
export function isOfferKind(kind: string): kind is OfferKind {
  return (OFFER_KINDS as readonly string[]).includes(kind);
}

/** Placeholders a kind's template must contain: without `{slots}` a patient could not pick a time. */
const REQUIRED_PLACEHOLDERS: Partial<Record<MessageKind, Placeholder[]>> = { reschedule_options: ['slots'], offer: ['date', 'time'] };

// Anything in braces is meant as a placeholder: `{foo}` and `{ patient name }` are unknown ones.
const PLACEHOLDER_PATTERN = /\{([^{}]*)\}/g;

const isPlaceholder = (name: string): name is Placeholder => (PLACEHOLDERS as readonly string[]).includes(name);

/**
 * The placeholders in `body` that a `kind` template may not use, as written (`{foo}`), each once, in
 * order of appearance: names not in `PLACEHOLDERS`, and `{slots}` outside `reschedule_options`.
 * Without `kind`, only names not in `PLACEHOLDERS`. An empty list means the body is good.
 */
export function validateTemplate(body: string, kind?: MessageKind): string[] {
  const unknown: string[] = [];
  for (const [written, name = ''] of body.matchAll(PLACEHOLDER_PATTERN)) {
    const allowed = isPlaceholder(name) && (kind === undefined || (PLACEHOLDER_KINDS[name] ?? [kind]).includes(kind));
    if (!allowed && !unknown.includes(written)) unknown.push(written);
  }
  return unknown;
}

/** Whether `body` has a `{` or `}` outside a placeholder (`{patient_name` would be texted as written). */
export function hasStrayBrace(body: string): boolean {
  return /[{}]/.test(body.replace(PLACEHOLDER_PATTERN, ''));
}

/** The placeholders a `kind` template must contain and `body` lacks, as written (`{slots}`). */
export function missingPlaceholders(body: string, kind: MessageKind): string[] {
  return (REQUIRED_PLACEHOLDERS[kind] ?? []).filter((name) => !body.includes(`{${name}}`)).map((name) => `{${name}}`);
}

/**
 * The placeholders `body` contains that a `kind` template may not, as written, in `PLACEHOLDERS`
 * order: `{specialty}` anywhere, `{doctor_name}` in `call_voicemail`.
 */
export function forbiddenPlaceholders(body: string, kind: MessageKind): string[] {
  const forbidden = new Set([...HEALTH_INFORMATION_PLACEHOLDERS, ...(FORBIDDEN_PLACEHOLDERS[kind] ?? [])]);
  return PLACEHOLDERS.filter((name) => forbidden.has(name) && body.includes(`{${name}}`)).map((name) => `{${name}}`);
}

/**
 * `body` with each known `{placeholder}` replaced by its value (nothing when missing); anything else is
 * left as written. A value ending in a full stop just before the body's own (`{time}.` with `10:30
 * a.m.`) gives one full stop, not two.
 */
export function renderTemplate(body: string, values: PlaceholderValues): string {
  return body.replace(PLACEHOLDER_PATTERN, (written, name: string, offset: number) => {
    if (!isPlaceholder(name)) return written;
    const value = values[name] ?? '';
    return value.endsWith('.') && body[offset + written.length] === '.' ? value.slice(0, -1) : value;
  });
}

/** The shipped wording of every kind, in each shipped language. */
export const DEFAULT_TEMPLATES: Record<ShippedLanguage, Record<MessageKind, string>> = {
  en: {
    booking_confirmation: '{clinic_name}: {patient_name}, your visit with {doctor_name} is booked for {date} at {time}. Questions? Call {office_phone}.',
    reminder: '{clinic_name}: {patient_name}, your visit with {doctor_name} is {date} at {time}. Reply YES to confirm, NO to cancel, CHANGE for another time.',
    confirmed_reminder:
      "{clinic_name}: {patient_name}, a reminder of your visit with {doctor_name} on {date} at {time}. See you then! Can't come? Call {office_phone}.",
    confirmed: '{clinic_name}: thank you, {patient_name}. Your visit with {doctor_name} on {date} at {time} is confirmed. See you then!',
    cancelled: '{clinic_name}: {patient_name}, your visit with {doctor_name} on {date} at {time} is cancelled. To book again, call {office_phone}.',
    reschedule_options: '{clinic_name}: reply with the number of a time:\n{slots}',
    rescheduled: '{clinic_name}: {patient_name}, your visit with {doctor_name} is now {date} at {time}.',
    rescheduled_question: 'Reply YES to confirm, NO to cancel, CHANGE for another time.',
    slot_taken: 'Sorry, that time was just taken.',
    no_open_slots:
      '{clinic_name}: sorry, {doctor_name} has no other open times soon. Your visit stays on {date} at {time}. Call {office_phone} to arrange another.',
    followup_reminder: '{clinic_name}: {patient_name}, your follow-up visit with {doctor_name} is due {followup_date}. Call {office_phone} to book a time.',
    help: '{clinic_name}: reply YES to confirm your visit, NO to cancel, CHANGE for another time. Questions? Call {office_phone}. Reply STOP to stop texts.',
    list_help:
      '{clinic_name}: reply a number from the list for that time, YES to keep your visit, NO to cancel. Questions? Call {office_phone}. STOP to stop texts.',
    offer_help: '{clinic_name}: reply YES to take the visit we offered you, or NO to pass. Questions? Call {office_phone}. Reply STOP to stop texts.',
    offer: '{clinic_name}: a visit opened up {date} at {time} at {location}. Reply YES within {hold_minutes} min to take it, or NO to pass.',
    offer_won: "{clinic_name}: Confirmed. You're scheduled for {date} at {time} at {location}.",
    offer_taken: "{clinic_name}: sorry, this slot has been taken; we'll keep you on the list.",
    offer_declined: "{clinic_name}: no problem, we'll keep you on the list.",
    offer_withdrawn: "{clinic_name}: the {date} {time} opening is no longer available. We'll keep you on the list.",
    call_reminder:
      'Hello, this is {clinic_name}. {patient_name}, your visit with {doctor_name} is on {date} at {time}. Press 1 to confirm. Press 2 for another time. Press 3 to cancel.',
    call_voicemail: 'Hello, this is {clinic_name} with a reminder of your visit on {date} at {time}. Questions? Please call us at {office_phone}. Goodbye.',
    call_confirmed: 'Thank you. Your visit on {date} at {time} is confirmed. We will send you a text message too. Goodbye.',
    call_cancelled: 'Your visit on {date} at {time} is cancelled. We will send you a text message too. To book again, call {office_phone}. Goodbye.',
    call_reschedule: 'We are sending you a text message about another time. Please answer it with the number of the time you want. Goodbye.',
    call_goodbye: 'We did not get an answer. To confirm or change your visit, please call {office_phone}. Goodbye.',
    call_unrecorded: 'Sorry, we could not record your answer. Please call the office at {office_phone}. Goodbye.',
    call_confirmed_landline: 'Thank you. Your visit on {date} at {time} is confirmed. Goodbye.',
    call_cancelled_landline: 'Your visit on {date} at {time} is cancelled. To book again, call {office_phone}. Goodbye.',
    call_reschedule_landline: 'To choose another time, please call us at {office_phone}. Until then, your visit stays on {date} at {time}. Goodbye.',
    call_wrong_keys:
      'Sorry, we could not understand the keys you pressed, so your visit on {date} at {time} has not been changed. To confirm, change or cancel it, please call us at {office_phone}. Thank you, and goodbye.',
    call_not_a_choice: 'Sorry, that key is not one of the choices. Press 1 to confirm. Press 2 for another time. Press 3 to cancel.',
    call_no_key: 'We did not hear a key. Press 1 to confirm. Press 2 for another time. Press 3 to cancel.',
    call_no_open_slots:
      'Sorry, {doctor_name} has no other open times soon. Your visit stays on {date} at {time}. To arrange another, please call us at {office_phone}. We will send you a text message with this number too. Goodbye.',
    call_times_not_sent:
      'Sorry, we could not send you a text message with the open times. We will call you back to arrange another time, or you can call us at {office_phone}. Until then, your visit stays on {date} at {time}. Goodbye.',
    call_question_closed:
      'Sorry, since we called you, your appointment has changed or this question has already been answered, so your key has changed nothing. We have sent you a text message with the details. Goodbye.',
    call_question_closed_landline:
      'Sorry, since we called you, your appointment has changed or this question has already been answered, so your key has changed nothing. For the details, please call us at {office_phone}. Goodbye.',
    call_visit_cancelled:
      'Hello, this is {clinic_name}. Your visit on {date} at {time} has been cancelled. To book again, please call us at {office_phone}. Goodbye.',
  },
  es: {
    booking_confirmation: '{clinic_name}: {patient_name}, su cita con {doctor_name} queda reservada para el {date}, {time}. ¿Dudas? Llame al {office_phone}.',
    reminder: '{clinic_name}: {patient_name}, cita con {doctor_name} el {date}, {time}. Responda SI para confirmar, NO para cancelar, CAMBIAR para otra hora.',
    confirmed_reminder:
      '{clinic_name}: {patient_name}, recuerde su cita con {doctor_name} el {date}, {time}. Le esperamos. ¿No puede venir? Llame al {office_phone}.',
    confirmed: '{clinic_name}: gracias, {patient_name}. Su cita con {doctor_name} el {date}, {time} queda confirmada. Le esperamos.',
    cancelled: '{clinic_name}: {patient_name}, su cita con {doctor_name} del {date}, {time} queda cancelada. Para otra cita llame al {office_phone}.',
    // Asks for the number, as the English does: "responda con la hora" had patients answer 12:00, which is no answer.
    reschedule_options: '{clinic_name}: responda con el numero de una hora:\n{slots}',
    rescheduled: '{clinic_name}: {patient_name}, su cita con {doctor_name} pasa al {date}, {time}.',
    // Without the reminder's "Responda", so that the move's text with this line stays one segment.
    rescheduled_question: 'SI para confirmar, NO para cancelar, CAMBIAR para otra hora.',
    slot_taken: 'Lo sentimos, esa hora acaba de ser tomada.',
    no_open_slots: '{clinic_name}: lo sentimos, {doctor_name} no tiene otras horas libres pronto. Su cita sigue el {date}, {time}. Llame al {office_phone}.',
    followup_reminder:
      '{clinic_name}: {patient_name}, le toca su visita de control con {doctor_name} el {followup_date}. Llame al {office_phone} para pedir cita.',
    help: '{clinic_name}: responda SI para confirmar, NO para cancelar, CAMBIAR para otra hora. ¿Dudas? Llame al {office_phone}. STOP para no recibir textos.',
    list_help:
      '{clinic_name}: responda el numero de una hora de la lista, SI para mantener su cita, NO para cancelar. ¿Dudas? {office_phone}. STOP: no mas textos.',
    offer_help: '{clinic_name}: responda SI para tomar la cita que le ofrecimos, o NO para dejarla. ¿Dudas? Llame al {office_phone}. STOP: no mas textos.',
    offer: '{clinic_name}: hay una cita libre el {date}, {time} en {location}. Responda SI en {hold_minutes} min para tomarla, o NO para dejarla.',
    offer_won: '{clinic_name}: Confirmado. Su cita es el {date}, {time} en {location}.',
    offer_taken: '{clinic_name}: lo sentimos, esta hora ya fue tomada; le mantenemos en la lista.',
    offer_declined: '{clinic_name}: de acuerdo, le mantenemos en la lista de espera.',
    offer_withdrawn: '{clinic_name}: la hora del {date}, {time} ya no esta libre. Le mantenemos en la lista de espera.',
    call_reminder:
      'Hola, le llamamos de {clinic_name}. {patient_name}, su cita con {doctor_name} es el {date}, {time}. Para confirmar, marque 1. Para otra hora, marque 2. Para cancelar, marque 3.',
    call_voicemail: 'Hola, le llamamos de {clinic_name} para recordarle su cita del {date}, {time}. ¿Dudas? Llame al {office_phone}. Adiós.',
    call_confirmed: 'Gracias. Su cita del {date}, {time} queda confirmada. Le enviaremos también un mensaje de texto. Adiós.',
    call_cancelled: 'Su cita del {date}, {time} queda cancelada. Le enviaremos también un mensaje de texto. Para otra cita llame al {office_phone}. Adiós.',
    call_reschedule: 'Le enviamos un mensaje de texto sobre otra hora. Responda con el número de la hora que prefiera. Adiós.',
    call_goodbye: 'No recibimos respuesta. Para confirmar o cambiar su cita, llame al {office_phone}. Adiós.',
    call_unrecorded: 'Lo sentimos, no pudimos registrar su respuesta. Por favor llame a la oficina al {office_phone}. Adiós.',
    call_confirmed_landline: 'Gracias. Su cita del {date}, {time} queda confirmada. Adiós.',
    call_cancelled_landline: 'Su cita del {date}, {time} queda cancelada. Para otra cita llame al {office_phone}. Adiós.',
    call_reschedule_landline: 'Para elegir otra hora, llame al {office_phone}. Mientras tanto, su cita sigue el {date}, {time}. Adiós.',
    call_wrong_keys:
      'Lo sentimos, no entendimos las teclas que marcó, así que su cita del {date}, {time} no ha cambiado. Para confirmarla, cambiarla o cancelarla, llame al {office_phone}. Gracias, adiós.',
    call_not_a_choice: 'Lo sentimos, esa tecla no es una de las opciones. Para confirmar, marque 1. Para otra hora, marque 2. Para cancelar, marque 3.',
    call_no_key: 'No escuchamos ninguna tecla. Para confirmar, marque 1. Para otra hora, marque 2. Para cancelar, marque 3.',
    call_no_open_slots:
      'Lo sentimos, {doctor_name} no tiene otras horas libres pronto. Su cita sigue el {date}, {time}. Para elegir otra hora, llame al {office_phone}. Le enviaremos también un mensaje de texto con este número. Adiós.',
    call_times_not_sent:
      'Lo sentimos, no pudimos enviarle un mensaje de texto con las horas libres. Le llamaremos para elegir otra hora, o puede llamarnos al {office_phone}. Mientras tanto, su cita sigue el {date}, {time}. Adiós.',
    call_question_closed:
      'Lo sentimos, desde que le llamamos su cita ha cambiado o esta pregunta ya fue respondida, así que su tecla no ha cambiado nada. Le hemos enviado un mensaje de texto con los detalles. Adiós.',
    call_question_closed_landline:
      'Lo sentimos, desde que le llamamos su cita ha cambiado o esta pregunta ya fue respondida, así que su tecla no ha cambiado nada. Para más detalles, llámenos al {office_phone}. Adiós.',
    call_visit_cancelled: 'Hola, le llamamos de {clinic_name}. Su cita del {date}, {time} ha sido cancelada. Para otra cita, llame al {office_phone}. Adiós.',
  },
};
