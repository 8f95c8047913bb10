/**
 * The waitlist's priority rule (issue 10, "Priority") at each of its boundaries: how far away the
 * current appointment is, the manual boost, seniority and its cap, urgency, and ties by join time.
 */
import { describe, expect, it } from 'vitest';
import { rankByPriority, waitlistPriority, type PriorityFacts } from '../../src/domain/waitlistPriority.js';

const DAY_MS = 86_400_000;
const now = new Date('2026-06-01T12:00:00Z');
const daysFromNow = (days: number) => new Date(now.getTime() + days * DAY_MS);
const facts = (change: Partial<PriorityFacts> = {}): PriorityFacts => ({ urgent: false, manualBoost: 0, currentApptAt: null, joinedAt: now, ...change });

describe('points for how far away the current appointment is', () => {
  it.each([
    ['no current appointment', null, 0],
    ['already past', daysFromNow(-3), 0],
    ['today', daysFromNow(0), 0],
    ['29 days away', daysFromNow(29), 0],
    ['30 days away less a second', new Date(daysFromNow(30).getTime() - 1000), 0],
    ['30 days away', daysFromNow(30), 5],
    ['89 days away', daysFromNow(89), 5],
    ['90 days away', daysFromNow(90), 10],
    ['179 days away', daysFromNow(179), 10],
    ['180 days away', daysFromNow(180), 20],
    ['400 days away', daysFromNow(400), 20],
  ])('%s: %s → %i', (_, currentApptAt, points) => {
    const priority = waitlistPriority(facts({ currentApptAt }), now);
    expect(priority.appointmentWait).toBe(points);
    expect(priority.score).toBe(points);
  });
});

describe('seniority: one point per 30 whole days on the waitlist, at most 10', () => {
  it.each([
    [0, 0],
    [29, 0],
    [30, 1],
    [59, 1],
    [299, 9],
    [300, 10],
    [3000, 10],
  ])('%i days on the list → %i', (days, points) => {
    const priority = waitlistPriority(facts({ joinedAt: daysFromNow(-days) }), now);
    expect(priority.seniority).toBe(points);
    expect(priority.score).toBe(points);
  });

  it('counts a join time after now as 0 days', () => {
    expect(waitlistPriority(facts({ joinedAt: daysFromNow(5) }), now).seniority).toBe(0);
  });
});

describe('urgency and the manual boost', () => {
  it.each([
    [false, 0, 0],
    [false, 40, 40],
    [true, 0, 30],
    [true, 40, 70],
  ])('urgent %s, boost %i → %i', (urgent, manualBoost, score) => {
    const priority = waitlistPriority(facts({ urgent, manualBoost }), now);
    expect(priority).toEqual({ score, urgent: urgent ? 30 : 0, manualBoost, appointmentWait: 0, seniority: 0 });
  });

  it('adds every part: urgent, boost 40, an appointment 180 days away and 3000 days waiting make 100', () => {
    expect(waitlistPriority(facts({ urgent: true, manualBoost: 40, currentApptAt: daysFromNow(180), joinedAt: daysFromNow(-3000) }), now)).toEqual({
      score: 100,
      urgent: 30,
      manualBoost: 40,
      appointmentWait: 20,
      seniority: 10,
    });
  });
});

describe('ranking', () => {
  it('puts the higher score first, and of equal scores the one who joined first', () => {
    const entries = [
      { id: '1', name: 'later, 5 points', ...facts({ manualBoost: 5, joinedAt: daysFromNow(-1) }) },
      { id: '2', name: 'urgent', ...facts({ urgent: true, joinedAt: daysFromNow(-1) }) },
      { id: '3', name: 'earlier, 5 points', ...facts({ manualBoost: 5, joinedAt: daysFromNow(-2) }) },
      { id: '4', name: '0 points', ...facts({ joinedAt: daysFromNow(-3) }) },
    ];
    const ranked = rankByPriority(entries, now);
    expect(ranked.map((e) => e.name)).toEqual(['urgent', 'earlier, 5 points', 'later, 5 points', '0 points']);
    expect(ranked[0]!.priority.score).toBe(30);
    expect(entries[0]!.name).toBe('later, 5 points');
  });

  it('breaks a tie of score and join time by the entry created first, its id compared as a number', () => {
    const joinedAt = daysFromNow(-4);
    const entries = ['10', '9', '10000000000', '9999999999'].map((id) => ({ id, ...facts({ manualBoost: 5, joinedAt }) }));
    expect(rankByPriority(entries, now).map((e) => e.id)).toEqual(['9', '10', '9999999999', '10000000000']);
  });
});
