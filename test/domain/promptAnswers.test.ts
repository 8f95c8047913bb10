/**
 * Reading a patient's answer (`readAnswer`): an answer followed only by courtesy is that answer, so
 * `yes please` confirms as `YES` does; a text that says more than the answer is no answer, so the
 * patient gets the help listing what they may reply instead of a guess.
 */
import { describe, expect, it } from 'vitest';
import { readAnswer } from '../../src/domain/promptAnswers.js';

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
