import { describe, expect, it } from 'vitest';
import type { PlanView } from '../../../src/server/api/schemas.js';
import { decide, individualPhases, londonToday, officeDate, officePattern, weekdayOf, weeklyInterval, type PlanLike, type SeriesTimeLike } from '../../../tab/outlook/recurrence.js';

const source = { ref: 'policy.txt § 3.4', text: '“every four weeks”' };
type Phase = PlanView['phases'][number];
type Session = PlanView['sessions'][number];

function session(date: string, ruleId: string, kind: Session['kind'] = 'individual'): Session {
  return { date, start: `${date}T10:00`, durationMinutes: 90, kind, phase: ruleId.split('/')[2]!, ruleId, placement: 'pattern' };
}

const bristol: PlanLike = {
  weekday: 'tue',
  time: '10:00',
  until: '2027-08-22',
  phases: [
    { stream: 'one-to-one', label: 'Every four weeks', from: '2026-08-23', until: null, frequency: 'every 4 weeks', ruleId: 'social-worker/one-to-one/every-four-weeks', source },
    { stream: 'group', label: 'Once every four weeks', from: '2026-08-23', until: null, frequency: 'every 4 weeks', ruleId: 'social-worker/group/every-four-weeks', source },
  ],
  sessions: [
    session('2026-11-17', 'social-worker/one-to-one/every-four-weeks'),
    session('2026-11-19', 'social-worker/group/every-four-weeks', 'group'),
    session('2026-12-15', 'social-worker/one-to-one/every-four-weeks'),
    session('2026-12-17', 'social-worker/group/every-four-weeks', 'group'),
  ],
};

const asyePhases: Phase[] = [
  { stream: 'one-to-one', label: 'Weekly for the first 6 weeks', from: '2026-11-02', until: '2026-12-13', frequency: 'every week', ruleId: 'asye/one-to-one/weekly', source },
  { stream: 'one-to-one', label: 'Fortnightly up to the 6-month review', from: '2026-12-14', until: '2027-05-01', frequency: 'every 2 weeks', ruleId: 'asye/one-to-one/fortnightly', source },
  { stream: 'one-to-one', label: 'Monthly thereafter', from: '2027-05-02', until: null, frequency: 'at least once every calendar month', ruleId: 'asye/one-to-one/monthly', source },
];
const birmingham: PlanLike = { weekday: 'tue', time: '10:00', until: '2027-11-01', phases: asyePhases, sessions: [session('2026-11-24', 'asye/one-to-one/weekly'), session('2026-12-15', 'asye/one-to-one/fortnightly')] };

class RecordingSeriesTime implements SeriesTimeLike {
  calls: [string, ...number[]][] = [];
  setStartDate(year: number, month: number, day: number) {
    this.calls.push(['setStartDate', year, month, day]);
  }
  setEndDate(year: number, month: number, day: number) {
    this.calls.push(['setEndDate', year, month, day]);
  }
  setStartTime(hours: number, minutes: number) {
    this.calls.push(['setStartTime', hours, minutes]);
  }
  setDuration(minutes: number) {
    this.calls.push(['setDuration', minutes]);
  }
}

describe('Office.js dates', () => {
  it('uses 0-based months', () => {
    expect(officeDate('2026-01-05')).toEqual({ year: 2026, month: 0, day: 5 });
    expect(officeDate('2026-12-15')).toEqual({ year: 2026, month: 11, day: 15 });
    expect(() => officeDate('15/12/2026')).toThrow();
  });

  it('names working weekdays as Office.js does and none at weekends', () => {
    expect(weekdayOf('2026-12-15')).toBe('tue');
    expect(weekdayOf('2026-11-23')).toBe('mon');
    expect(weekdayOf('2026-11-28')).toBeUndefined();
  });

  it('gives today in UK local time', () => {
    expect(londonToday(new Date('2026-06-30T23:30:00Z'))).toBe('2026-07-01');
    expect(londonToday(new Date('2026-12-31T23:30:00Z'))).toBe('2026-12-31');
  });
});

describe('weekly intervals', () => {
  it.each([
    ['every week', 1],
    ['every 2 weeks', 2],
    ['every 4 weeks', 4],
    ['every month', undefined],
    ['at least once every calendar month', undefined],
  ])('%s → %s', (frequency, interval) => {
    expect(weeklyInterval(frequency)).toBe(interval);
  });
});

describe('cadence → Office.js recurrence', () => {
  it('keeps only the one-to-one stream\'s phases', () => {
    expect(individualPhases(bristol).map((p) => p.stream)).toEqual(['one-to-one']);
  });

  it('maps a Bristol 4-weekly social worker to one weekly series from the next session', () => {
    const decision = decide(bristol, '2026-11-23');
    expect(decision.kind).toBe('recurrence');
    if (decision.kind !== 'recurrence') return;
    expect(decision.interval).toBe(4);
    expect(decision.firstDate).toBe('2026-12-15');
    expect(decision.spec).toEqual({
      recurrenceType: 'weekly',
      recurrenceProperties: { interval: 4, days: ['tue'], firstDayOfWeek: 'mon' },
      recurrenceTimeZone: { name: 'GMT Standard Time' },
      seriesTime: { startDate: { year: 2026, month: 11, day: 15 }, endDate: { year: 2027, month: 7, day: 22 }, startTime: { hours: 10, minutes: 0 }, durationMinutes: 90 },
    });
  });

  it('starts on the day itself when a session falls today', () => {
    const decision = decide(bristol, '2026-11-17');
    expect(decision.kind === 'recurrence' && decision.spec.seriesTime.startDate).toEqual({ year: 2026, month: 10, day: 17 });
  });

  it('books a phased Birmingham ASYE plan instead', () => {
    const decision = decide(birmingham, '2026-11-23');
    expect(decision.kind).toBe('book');
    if (decision.kind !== 'book') return;
    expect(decision.phases).toHaveLength(3);
    expect(decision.reason).toMatch(/3 phases/);
  });

  it('books a single calendar-month phase instead', () => {
    const monthly: PlanLike = { ...birmingham, phases: [asyePhases[2]!], sessions: [session('2026-12-01', 'asye/one-to-one/monthly')] };
    const decision = decide(monthly, '2026-11-23');
    expect(decision.kind === 'book' && decision.reason).toMatch(/not a weekly interval/);
  });

  it('books when no session is still to come', () => {
    expect(decide(bristol, '2027-09-01').kind).toBe('book');
  });

  it('fills Office.SeriesTime with 0-based months and returns the setAsync pattern', () => {
    const decision = decide(bristol, '2026-11-23');
    if (decision.kind !== 'recurrence') throw new Error('expected a recurrence');
    const seriesTime = new RecordingSeriesTime();
    const pattern = officePattern(decision.spec, seriesTime);
    expect(seriesTime.calls).toEqual([
      ['setStartDate', 2026, 11, 15],
      ['setEndDate', 2027, 7, 22],
      ['setStartTime', 10, 0],
      ['setDuration', 90],
    ]);
    expect(pattern).toEqual({ recurrenceType: 'weekly', recurrenceProperties: { interval: 4, days: ['tue'], firstDayOfWeek: 'mon' }, recurrenceTimeZone: { name: 'GMT Standard Time' }, seriesTime });
  });
});
