// @vitest-environment jsdom
import { FluentProvider, teamsLightTheme } from '@fluentui/react-components';
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BookingResponse, Me, RecordView } from '../../../src/server/api/schemas.js';
import { setCredentials } from '../../../tab/src/api.js';
import { SessionContext } from '../../../tab/src/session.js';
import SessionRecord, { problems } from '../../../tab/src/views/SessionRecord.js';
import { people, testNow, type Harness } from '../../api/harness.js';
import { startLiveApi } from './live-api.js';

let h: Harness;
let record: RecordView;
let me: Me;

beforeAll(async () => {
  h = await startLiveApi({ now: testNow });
  const booking = await h.as('supervisor').post<BookingResponse>('/api/bookings', { superviseeId: people.supervisee, weekday: 'wed', time: '10:00' });
  const first = booking.body.occurrences[0]!;
  record = (await h.as('supervisor').post<RecordView>(`/api/supervisees/${people.supervisee}/records`, { kind: 'individual', sessionDate: first.date, eventId: first.id })).body;
  me = (await h.as('supervisor').get<Me>('/api/me')).body;
  setCredentials({ devUser: people.supervisor });
});
afterAll(() => h.close());
afterEach(cleanup);

function renderRecord() {
  return render(
    <FluentProvider theme={teamsLightTheme}>
      <SessionContext.Provider value={{ me, refresh: () => undefined }}>
        <SessionRecord id={record.record.id} />
      </SessionContext.Provider>
    </FluentProvider>,
  );
}

describe('session record form', () => {
  it('renders the template, the policy deadlines and the case-direction rule', async () => {
    renderRecord();
    expect(await screen.findByRole('heading', { level: 1, name: /Supervision record: Orla Fenwright/ })).toBeTruthy();
    expect(screen.getByRole('textbox', { name: 'Agenda' })).toBeTruthy();
    expect(screen.getByRole('textbox', { name: 'Care and Wellbeing' })).toBeTruthy();
    expect(screen.getByText(/Case direction recorded in LCS\/EHM within 2 working days/)).toBeTruthy();
    expect(screen.getByRole('radiogroup', { name: /attended group supervision since the last one-to-one/ })).toBeTruthy();
  });

  it('saves a draft when leaving a field, then offers reload, compare or keep mine on a conflict', async () => {
    const user = userEvent.setup();
    renderRecord();
    const wellbeing = await screen.findByRole('textbox', { name: 'Care and Wellbeing' });
    await user.type(wellbeing, 'Settling in');
    await user.tab();
    await waitFor(() => expect(screen.getByRole('status').textContent).toMatch(/Saved at/), { timeout: 3000 });
    const stored = (await h.as('supervisor').get<RecordView>(`/api/records/${record.record.id}`)).body;
    expect(stored.record.sections['care-and-wellbeing']).toBe('Settling in');

    // Someone else (another tab) saves in between.
    await h.as('supervisor').put(`/api/records/${record.record.id}`, { version: stored.version, sections: { ...stored.record.sections, 'care-and-wellbeing': 'Their words' }, cases: [], actions: [] });
    await user.type(wellbeing, ' well');
    await user.tab();
    const banner = await screen.findByRole('alert');
    expect(within(banner).getByText('Someone else saved this record')).toBeTruthy();
    await user.click(within(banner).getByRole('button', { name: 'Compare' }));
    const dialog = await screen.findByRole('dialog', { name: 'Your changes and theirs' });
    expect(within(dialog).getByText('Settling in well')).toBeTruthy();
    expect(within(dialog).getByText('Their words')).toBeTruthy();
    await user.click(within(dialog).getByRole('button', { name: 'Close' }));
    await user.click(within(banner).getByRole('button', { name: 'Keep mine' }));
    await waitFor(() => expect(screen.queryByRole('alert')).toBeNull());
    const after = (await h.as('supervisor').get<RecordView>(`/api/records/${record.record.id}`)).body;
    expect(after.record.sections['care-and-wellbeing']).toBe('Settling in well');
  });

  it('holds back autosave while a case reference or action is incomplete, and says why', () => {
    const draft = { sections: {}, agenda: '', cases: [{ ref: 'Amy Smith', category: 'other' }], actions: [{ id: 'a', what: '', who: 'supervisee' as const, due: '2026-07-01' }] };
    const found = problems(draft);
    expect(found.get('cases[0].ref')).toMatch(/never a name/);
    expect(found.get('actions[0].what')).toBeTruthy();
    expect(problems({ ...draft, cases: [{ ref: 'LCS-200001', category: 'other' }], actions: [] }).size).toBe(0);
  });
});
