/**
 * Reading a patient's answer (`readAnswer`): an answer followed only by courtesy is that answer, so
 * `yes please` confirms as `YES` does; a text that says more than the answer is no answer, so the
 * patient gets the help listing what they may reply instead of a guess. The word patients text for an
 * answer (`Yep`, `Confirmed`, `Cancelar`) is read as the word the question invited. A text that only
 * acknowledges (`thanks`, `ok`, 👍) is told apart from one that asks or says something; to an open
 * reminder question `ok`, `vale` or 👍 alone is a yes (`isReminderConfirmation`), and a text that also
 * refuses, asks or says anything more is not.
 */
import { describe, expect, it } from 'vitest';
import { isAcknowledgement, isReminderConfirmation, readAnswer } from '../../src/domain/promptAnswers.js';

describe('an answer followed by courtesy', () => {
  it.each([
    ['yes please', 'YES'],
    ["Yes, I'll take it", 'YES'],
    ['Yes, I’ll take it!', 'YES'],
    ['YES!', 'YES'],
    ['yes thanks', 'YES'],
    ['Yes thank you 🙂', 'YES'],
    ['yes ok thanks', 'YES'],
    ["confirm, I'll be there", 'CONFIRM'],
    ['Sí, por favor', 'SI'],
    ['si gracias', 'SI'],
    ['Sí, claro', 'SI'],
    ['No thanks', 'NO'],
    ['no, thank you!', 'NO'],
    ['NO gracias', 'NO'],
    ['change please', 'CHANGE'],
    ['Cambiar por favor', 'CAMBIAR'],
    ['2 please', '2'],
    ['  yes  ', 'YES'],
  ])('%j reads as %j', (text, answer) => expect(readAnswer(text)).toBe(answer));
});

describe('a word patients text for an answer', () => {
  it.each([
    ['Y', 'YES'],
    ['Yep', 'YES'],
    ['yeah!', 'YES'],
    ['Yup, thanks', 'YES'],
    ["sure, I'll be there", 'YES'],
    ['Confirmed.', 'CONFIRM'],
    ['nope', 'NO'],
    ['Confirmo', 'CONFIRM'],
    ['confirmar por favor', 'CONFIRM'],
    ['Confirmada, gracias', 'CONFIRM'],
    ['Cancelar', 'CANCEL'],
    ['cancelar por favor', 'CANCEL'],
    ['Sip', 'SI'],
  ])('%j reads as %j, the word the question invited', (text, answer) => expect(readAnswer(text)).toBe(answer));

  it('is no answer when it says more, nor when it is an acknowledgement (ok) rather than a yes', () => {
    expect(readAnswer('yep but not today')).toBe('YEP BUT NOT TODAY');
    expect(readAnswer("nope I'll take it")).toBe('NOPE I LL TAKE IT');
    expect(readAnswer('ok')).toBe('OK');
    expect(readAnswer('👍')).toBe('');
  });
});

describe('a text that says more than an answer', () => {
  it.each([
    ['yes but not today', 'YES BUT NOT TODAY'],
    ['no I will come', 'NO I WILL COME'],
    ["no, I'll take it", 'NO I LL TAKE IT'],
    ['no ok', 'NO OK'],
    ['yes no', 'YES NO'],
    ['please yes', 'PLEASE YES'],
    ['yes please call me', 'YES PLEASE CALL ME'],
    ['2 or 3', '2 OR 3'],
    ['thanks', 'THANKS'],
  ])('%j is left whole (%j), and so matches no answer', (text, whole) => expect(readAnswer(text)).toBe(whole));
});

describe('a text that only acknowledges', () => {
  it.each(['Thanks!', 'ok', 'Ok, thank you', 'OK thanks 🙏', 'gracias', 'Muchas gracias', 'Perfecto', 'got it', 'See you then', '👍', '🙏🙏'])(
    '%s is one',
    (text) => expect(isAcknowledgement(text)).toBe(true),
  );
  it.each(['', '   ', 'hello', 'thanks, what time is it?', 'ok but I am late', 'YES', 'help', 'JOIN'])('%j is not', (text) =>
    expect(isAcknowledgement(text)).toBe(false),
  );
});

describe('a confirmation of an open reminder question', () => {
  it.each([
    'ok',
    'OK!',
    'Okay.',
    'okey',
    'ok thanks',
    'Ok, thank you 🙏',
    'ok yes',
    'OK see you then',
    "I'll be there",
    'See you then!',
    '👍',
    '👍🏻',
    '👍🏽',
    '👍🏿',
    '👍👍',
    'ok 👍',
    '👌',
    '✅',
    '✔️',
    'Vale',
    'vale, gracias',
    'Claro',
    'claro que sí',
    'De acuerdo',
    'Sí, vale',
  ])('%j confirms', (text) => expect(isReminderConfirmation(text)).toBe(true));

  it.each([
    'ok?',
    '¿vale?',
    'ok no',
    'No, ok',
    'ok but can I change the time',
    'ok change',
    'ok cancel',
    'ok stop',
    '👍 STOP',
    'ok 2',
    '👎',
    'ok 👎',
    '❌',
    'thanks',
    'gracias',
    '🙏',
    'got it',
    'perfecto',
    'ok I am running late',
    'hello',
    '',
  ])('%j does not', (text) => expect(isReminderConfirmation(text)).toBe(false));

  it('leaves the invited answers to readAnswer: a yes-word needs no confirmation word', () => {
    for (const text of ['Y', 'sure', 'Confirmed', 'confirmo', 'Confirmado', 'sí', 'SI!', 'Yes']) {
      expect(['YES', 'SI', 'CONFIRM'], text).toContain(readAnswer(text));
    }
  });
});
