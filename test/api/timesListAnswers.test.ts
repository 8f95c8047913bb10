/**
 * A patient answering the numbered list of open times, through the real app, signed as Twilio signs
 * them: a YES while choosing keeps the visit at its time (the patient changed their mind), a time
 * another patient took a moment earlier gets the fresh list with a line saying so first, in the
 * patient's language, and HELP while choosing gets the help about the list (`list_help`), not the
 * walk-in line's.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookThroughApi, remindAndAwaitQuestion, type ApiBookingRequest } from '../support/apiBooking.js';
import { json, patientReply, startStack, twimlText, type Stack } from '../support/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.stop());

const appointment = async (id: string) => json(await stack.api(`/api/appointments/${id}`));
/** The reply the patient at `phone` reads to their text `body`. */
const textIn = async (phone: string, body: string) => patientReply(stack, phone, await stack.sendSms(phone, body));

/** Books a visit (`booking`), has staff remind the patient, and has them ask for another time with `change`: the list's text. */
async function bookAndAskForAnotherTime(booking: ApiBookingRequest, change = 'CHANGE') {
  const booked = await bookThroughApi(stack, booking);
  await remindAndAwaitQuestion(stack, booked.id, booked.workflowId);
  return { booked, list: await textIn(booked.phone, change) };
}

describe('a patient who changes their mind while choosing from the list of times', () => {
  it('keeps the visit at its time with YES, and the help lists YES and NO beside the numbers', async () => {
    const { booked, list } = await bookAndAskForAnotherTime({ provider: `Dr ${randomUUID().slice(0, 8)}` });
    expect(list).toMatch(/^Test Clinic: reply with the number of a time:\n.+\n1\) /);
    const { starts_at: startsAt } = await appointment(booked.id);

    expect(await twimlText(await stack.sendSms(booked.phone, 'not sure'))).toBe(
      "Test Clinic: sorry, we didn't understand. You can reply 1, 2, 3, 4, 5, YES, NO, or JOIN. Reply HELP for help. Para español, responda ESPAÑOL.",
    );
    expect(await textIn(booked.phone, 'YES')).toMatch(/^Test Clinic: thank you, Rahul Sharma\. Your visit with .* is confirmed\. See you then!$/);
    expect(await appointment(booked.id)).toMatchObject({ status: 'confirmed', starts_at: startsAt });
  });
});

describe('a time another patient took while the patient chose', () => {
  it.each([
    ['en', 'CHANGE', /^Sorry, that time was just taken\.\nTest Clinic: reply with the number of a time:\n.+\n1\) /],
    ['es', 'CAMBIAR', /^Lo sentimos, esa hora acaba de ser tomada\.\nTest Clinic: responda con el numero de una hora:\n.+\n1\) /],
  ])('gets a fresh list that first says so (%s)', async (language, change, taken) => {
    // Two patients of one provider ask for another time and get lists that start with the same time.
    const provider = `Dr ${randomUUID().slice(0, 8)}`;
    const first = await bookAndAskForAnotherTime({ provider, days: 3, language }, change);
    const second = await bookAndAskForAnotherTime({ provider, days: 4, language }, change);
    // The list's first time with its day: `1) 9:00 AM` and the date written above it.
    const firstTime = (list: string) => {
      const lines = list.split('\n');
      const first = lines.findIndex((line) => line.startsWith('1) '));
      return `${lines[first - 1]} ${lines[first]!.replace('1) ', '')}`;
    };
    expect(firstTime(second.list)).toBe(firstTime(first.list));
    const { starts_at: startsAt } = await appointment(second.booked.id);

    expect(await textIn(first.booked.phone, '1')).toMatch(language === 'es' ? / pasa al / : / is now /);
    const fresh = await textIn(second.booked.phone, '1');
    expect(fresh).toMatch(taken);
    expect(firstTime(fresh)).not.toBe(firstTime(first.list));
    expect(await appointment(second.booked.id)).toMatchObject({ status: 'booked', starts_at: startsAt });
  });
});

describe('HELP while the list of times is the open question', () => {
  /** The office phone the help names: the clinic's SMS number, written for people. */
  const officePhone = () => `(202) 555-${stack.clinicNumber.slice(-4)}`;

  it.each([
    [
      'en',
      'CHANGE',
      'HELP',
      'Test Clinic: reply a number from the list for that time, YES to keep your visit, NO to cancel. Questions? Call {phone}. STOP to stop texts.',
    ],
    [
      'es',
      'CAMBIAR',
      'AYUDA',
      'Test Clinic: responda el numero de una hora de la lista, SI para mantener su cita, NO para cancelar. ¿Dudas? {phone}. STOP: no mas textos.',
    ],
  ])('says how to pick a number, keep or cancel, in the patient language (%s)', async (language, change, help, expected) => {
    const { booked } = await bookAndAskForAnotherTime({ provider: `Dr ${randomUUID().slice(0, 8)}`, language }, change);
    expect(await textIn(booked.phone, help)).toBe(expected.replace('{phone}', officePhone()));
    // The list still takes its answers.
    expect(await textIn(booked.phone, '1')).toMatch(language === 'es' ? / pasa al / : / is now /);
  });

  it("is the clinic's own wording once it has saved one", async () => {
    const body = '{clinic_name}: pick a number from our list, or YES to keep your visit. Call {office_phone}.';
    expect((await stack.api('/api/clinic/templates/list_help/en', { method: 'PUT', body: JSON.stringify({ body }) })).status).toBe(200);
    const { booked } = await bookAndAskForAnotherTime({ provider: `Dr ${randomUUID().slice(0, 8)}` });
    expect(await textIn(booked.phone, 'help')).toBe(`Test Clinic: pick a number from our list, or YES to keep your visit. Call ${officePhone()}.`);
  });
});
