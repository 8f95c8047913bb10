import { describe, expect, it } from 'vitest';
import { parseCommand, twilioConfirmsOptOut } from '../../src/domain/commands.js';

describe("reading a patient's text", () => {
  it('reads commands whatever their case and surrounding spaces', () => {
    expect(parseCommand('  join ')).toEqual({ kind: 'join', note: null });
    expect(parseCommand('Status')).toEqual({ kind: 'status' });
    expect(parseCommand('\tLEAVE\n')).toEqual({ kind: 'leave' });
    expect(parseCommand('help')).toEqual({ kind: 'help' });
  });

  it('keeps a short note after JOIN, trimmed to 140 characters, without control characters', () => {
    expect(parseCommand('JOIN back pain')).toEqual({ kind: 'join', note: 'back pain' });
    expect(parseCommand('JOIN  fever\u0000 since   monday')).toEqual({ kind: 'join', note: 'fever since monday' });
    const long = parseCommand(`JOIN ${'é'.repeat(300)}`);
    expect(long.kind === 'join' && Array.from(long.note!).length).toBe(140);
  });

  it('keeps the joiners a JOIN note is spelt with, but not one the 140-character cut leaves at its end', () => {
    expect(parseCommand('JOIN نیک\u200Cنام 👨\u200D⚕\uFE0F')).toEqual({ kind: 'join', note: 'نیک\u200Cنام 👨\u200D⚕\uFE0F' });
    expect(parseCommand(`JOIN ${'a'.repeat(139)}\u200Db`)).toEqual({ kind: 'join', note: 'a'.repeat(139) });
  });

  it('knows the opt-out and opt-in words, and not CANCEL (kept for appointments)', () => {
    for (const word of ['STOP', 'stopall', 'Unsubscribe', 'END', 'QUIT', 'REVOKE', 'OPTOUT']) {
      expect(parseCommand(word)).toEqual({ kind: 'opt_out', keyword: word.toUpperCase() });
    }
    expect(parseCommand('start')).toEqual({ kind: 'opt_in', keyword: 'START' });
    expect(parseCommand('UNSTOP')).toEqual({ kind: 'opt_in', keyword: 'UNSTOP' });
    expect(parseCommand('Yes!')).toEqual({ kind: 'opt_in', keyword: 'YES' });
    expect(parseCommand('CANCEL')).toEqual({ kind: 'unknown' });
  });

  it.each([
    ['Stop.', 'STOP'],
    ['STOP!', 'STOP'],
    ['stop please', 'STOP'],
    ['please stop', 'STOP'],
    ['STOP texting me', 'STOP'],
    ['stop texting me at night please', 'STOP'],
    ['opt out', 'OPTOUT'],
    ['Opt-out.', 'OPTOUT'],
    ['pls just unsubscribe', 'UNSUBSCRIBE'],
    ['Quit', 'QUIT'],
    ['  end  ', 'END'],
  ])('reads %j as an opt-out, as carriers and the FCC do', (body, keyword) => {
    expect(parseCommand(body)).toEqual({ kind: 'opt_out', keyword });
  });

  it.each([
    ['ALTO', 'ALTO'],
    ['alto por favor', 'ALTO'],
    ['Ya basta!', 'BASTA'],
    ['Para.', 'PARA'],
    ['parar, gracias', 'PARAR'],
    ['BAJA', 'BAJA'],
    ['detener', 'DETENER'],
  ])('reads the Spanish %j, the whole message, as an opt-out in Spanish', (body, keyword) => {
    expect(parseCommand(body)).toEqual({ kind: 'opt_out', keyword, wordLanguage: 'es' });
  });

  it.each(['para mañana', 'alto dolor de cabeza', 'baja la fila?', 'CANCELAR'])('does not read the Spanish sentence %j as an opt-out', (body) => {
    expect(parseCommand(body).kind).not.toBe('opt_out');
  });

  it('says which opt-outs Twilio confirms itself: its keywords, the whole message, case and spaces aside', () => {
    for (const body of ['STOP', ' stop ', 'Cancel', 'OPTOUT', 'stopall']) expect(twilioConfirmsOptOut(body), body).toBe(true);
    for (const body of ['stop texting me', 'please stop', 'ALTO', 'opt out']) expect(twilioConfirmsOptOut(body), body).toBe(false);
  });

  it.each([
    'when does it end',
    'the end of my appointment?',
    'can you stop by the desk to tell them I am late',
    'I will be late, please wait',
    'CANCEL please',
  ])('does not read %j, which only mentions a word, as an opt-out', (body) => {
    expect(parseCommand(body).kind).not.toBe('opt_out');
  });

  it('reads ESPAÑOL, ESPANOL and ENGLISH, alone and whatever their case or accent form, as a choice of language', () => {
    for (const body of ['ESPAÑOL', 'español', ' Espanol ', 'Español.', 'ESPAN\u0303OL'])
      expect(parseCommand(body), body).toEqual({ kind: 'language', language: 'es' });
    for (const body of ['ENGLISH', 'english!']) expect(parseCommand(body), body).toEqual({ kind: 'language', language: 'en' });
    for (const body of ['español por favor', 'I speak English', 'JOIN español']) expect(parseCommand(body).kind, body).not.toBe('language');
    // Opt-out words still win: a language word never hides a STOP.
    expect(parseCommand('stop english')).toEqual({ kind: 'opt_out', keyword: 'STOP' });
  });

  it('reads a command word with punctuation after it as the command, keeping the note after JOIN', () => {
    for (const body of ['Join!', 'JOIN.', 'join?', ' JOIN!! ']) expect(parseCommand(body), body).toEqual({ kind: 'join', note: null });
    expect(parseCommand('JOIN: chest pain')).toEqual({ kind: 'join', note: 'chest pain' });
    expect(parseCommand('Join, back pain.')).toEqual({ kind: 'join', note: 'back pain.' });
    for (const body of ['status?', 'Status.', 'STATUS!?']) expect(parseCommand(body), body).toEqual({ kind: 'status' });
    for (const body of ['Leave.', 'leave!', 'LEAVE;']) expect(parseCommand(body), body).toEqual({ kind: 'leave' });
    for (const body of ['Help?', 'info:']) expect(parseCommand(body), body).toEqual({ kind: 'help' });
    // The same tolerance the opt-out, opt-in and language words already had.
    expect(parseCommand('Stop.')).toEqual({ kind: 'opt_out', keyword: 'STOP' });
    expect(parseCommand('Start!')).toEqual({ kind: 'opt_in', keyword: 'START' });
    expect(parseCommand('Español.')).toEqual({ kind: 'language', language: 'es' });
  });

  it('reads STATUS, LEAVE and JOIN followed only by courtesy as the command, a JOIN with no note', () => {
    for (const body of ['status please', 'status? please', 'STATUS, thanks!', 'Status por favor']) expect(parseCommand(body), body).toEqual({ kind: 'status' });
    for (const body of ['leave please', 'Leave, thank you', 'LEAVE gracias']) expect(parseCommand(body), body).toEqual({ kind: 'leave' });
    for (const body of ['JOIN please', 'join, thanks', 'Join por favor 🙏']) expect(parseCommand(body), body).toEqual({ kind: 'join', note: null });
  });

  it('reads HELP and the opt-in words only alone, as Twilio does: courtesy makes them no command', () => {
    for (const body of ['help please', 'INFO thanks', 'start please', 'unstop thanks', 'yes please']) expect(parseCommand(body).kind, body).toBe('unknown');
  });

  it('does not read a sentence that starts with a command word as that command', () => {
    expect(parseCommand('status of my visit').kind).toBe('unknown');
    expect(parseCommand('leave please stop').kind).toBe('unknown');
    expect(parseCommand('Leave, stop texting me').kind).toBe('unknown');
    expect(parseCommand('JOIN stop').kind).toBe('join');
    expect(parseCommand('').kind).toBe('unknown');
  });

  it('reads the Spanish command words as the English ones, case and accents aside, and says they were Spanish', () => {
    for (const body of ['UNIRSE', 'unir', 'Únete', 'unete!', 'FILA', 'fila por favor'])
      expect(parseCommand(body), body).toEqual({ kind: 'join', note: null, wordLanguage: 'es' });
    expect(parseCommand('Unirse: dolor de espalda')).toEqual({ kind: 'join', note: 'dolor de espalda', wordLanguage: 'es' });
    for (const body of ['ESTADO', 'estado?', 'Estado, gracias']) expect(parseCommand(body), body).toEqual({ kind: 'status', wordLanguage: 'es' });
    for (const body of ['SALIR', 'salir.', 'Salír por favor']) expect(parseCommand(body), body).toEqual({ kind: 'leave', wordLanguage: 'es' });
    // AYUDA is no Twilio keyword: courtesy after it changes nothing, as after STATUS.
    for (const body of ['AYUDA', '¿Ayuda?', 'ayuda por favor']) expect(parseCommand(body), body).toEqual({ kind: 'help', wordLanguage: 'es' });
    // The English words say nothing of the patient's language.
    expect(parseCommand('JOIN')).toEqual({ kind: 'join', note: null });
    for (const body of ['estado de mi cita', 'salir a las 3', 'ayuda con mi cita']) expect(parseCommand(body).kind, body).toBe('unknown');
    // The answer words read as before.
    for (const body of ['SI', 'CAMBIAR', 'CONFIRMO', 'CANCELAR', 'gracias']) expect(parseCommand(body).kind, body).toBe('unknown');
  });
});
