import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgreementView, Team } from '../../src/server/api/schemas.js';
import { people, startHarness, testNow, type Harness } from './harness.js';

let h: Harness;
const S = people.teammate;
type ErrorBody = { error: { code: string; field?: string; message: string } };

beforeAll(async () => {
  h = await startHarness({ now: testNow });
});
afterAll(() => h.close());

describe('supervision agreements', () => {
  let view: AgreementView;

  it('shows the organisation\'s template, the policy it may only tighten, and the deadline', async () => {
    const res = await h.as('supervisor').get<AgreementView>(`/api/supervisees/${S}/agreement`);
    expect(res.status).toBe(200);
    view = res.body;
    expect(view.agreement).toBeNull();
    expect(view.template.sections.length).toBeGreaterThan(5);
    expect(view.dueText).toMatch(/^Within 4 weeks of the start of the supervisory relationship/);
    expect(view.dueSource.ref).toMatch(/§ Supervision Agreements/);
    expect(view.review.text).toContain('every 12 months');
    // Ewan is a returner in Dudley: fortnightly for 12 weeks, then monthly; only weekly or fortnightly is at least as strict throughout.
    expect(view.policy.cadence).toBe('every 2 weeks to 12 weeks, then at least once every calendar month');
    expect(view.policy.frequencyChoices.map((c) => c.label)).toEqual(['every week', 'every 2 weeks']);
  });

  it('refuses a looser frequency or a shorter session with 422 LOOSER_THAN_POLICY naming the field', async () => {
    const looser = await h.as('supervisor').post<ErrorBody>(`/api/supervisees/${S}/agreement`, { answers: {}, agreedFrequency: { rule: 'interval-months', months: 2 } });
    expect(looser.status).toBe(422);
    expect(looser.body.error).toMatchObject({ code: 'LOOSER_THAN_POLICY', field: 'agreedFrequency' });
    const shorter = await h.as('supervisor').post<ErrorBody>(`/api/supervisees/${S}/agreement`, { answers: {}, agreedMinutes: 30 });
    expect(shorter.status).toBe(422);
    expect(shorter.body.error.field).toBe('agreedMinutes');
    const unknown = await h.as('supervisor').post<ErrorBody>(`/api/supervisees/${S}/agreement`, { answers: { 'no-such-section': 'x' } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.field).toBe('answers.no-such-section');
  });

  it('drafts with a stricter frequency, saves with versions, then both sign in order', async () => {
    const section = view.template.sections[1]!;
    const field = section.fields?.[0];
    const answers = { [section.id]: 'Reflective, with case direction', ...(field ? { [`${section.id}.${field.id}`]: 'Grow in court work' } : {}) };
    const draft = await h.as('supervisor').post<AgreementView>(`/api/supervisees/${S}/agreement`, { answers, agreedFrequency: { rule: 'interval', weeks: 2 }, agreedMinutes: 90 });
    expect(draft.status).toBe(201);
    const agreement = draft.body.agreement!;
    expect(agreement.record).toMatchObject({ status: 'draft', agreedFrequency: { rule: 'interval', weeks: 2 }, due: view.due });

    const second = await h.as('supervisor').post<ErrorBody>(`/api/supervisees/${S}/agreement`, { answers });
    expect(second.status).toBe(409);

    const saved = await h.as('supervisor').put<AgreementView>(`/api/agreements/${agreement.record.id}`, { version: agreement.version, answers: { ...answers, [section.id]: 'Updated' }, agreedFrequency: { rule: 'interval', weeks: 2 } });
    expect(saved.status).toBe(200);
    const stale = await h.as('supervisor').put<ErrorBody>(`/api/agreements/${agreement.record.id}`, { version: agreement.version, answers });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('CONFLICT');

    const early = await h.as('teammate').post<ErrorBody>(`/api/agreements/${agreement.record.id}/sign`, { version: saved.body.agreement!.version });
    expect(early.status).toBe(409);
    expect(early.body.error.message).toContain('supervisor signs the agreement first');
    expect((await h.as('lineManager').post(`/api/agreements/${agreement.record.id}/sign`, { version: saved.body.agreement!.version })).status).toBe(403);

    const bySupervisor = await h.as('supervisor').post<AgreementView>(`/api/agreements/${agreement.record.id}/sign`, { version: saved.body.agreement!.version });
    expect(bySupervisor.body.agreement!.record.status).toBe('awaiting-supervisee');
    const edit = await h.as('supervisor').put<ErrorBody>(`/api/agreements/${agreement.record.id}`, { version: bySupervisor.body.agreement!.version, answers });
    expect(edit.status).toBe(409);
    const bySupervisee = await h.as('teammate').post<AgreementView>(`/api/agreements/${agreement.record.id}/sign`, { version: bySupervisor.body.agreement!.version });
    expect(bySupervisee.body.agreement!.record).toMatchObject({ status: 'signed', reviewDue: '2027-06-17', superviseeSignedAt: expect.any(String) });
  });

  it('the signed, stricter frequency becomes the cadence on the team view', async () => {
    const team = await h.as('supervisor').get<Team>('/api/team');
    const member = team.body.members.find((m) => m.person.id === S)!;
    expect(member.agreement.state).toBe('signed');
    expect(member.cadence).toBe('every 2 weeks to 12 weeks, then every 2 weeks');
  });
});
