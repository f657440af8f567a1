// @vitest-environment jsdom
/**
 * Issue 8 §3: record text is rendered as text. A supervisor writes markup into a record's
 * sections and actions; the supervisee's "My supervision" and the record form show the words
 * literally and the page gains no element, handler or script from them.
 */
import { FluentProvider, teamsLightTheme } from '@fluentui/react-components';
import { cleanup, render, screen } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BookingResponse, Me, RecordView } from '../../../src/server/api/schemas.js';
import { setCredentials } from '../../../tab/src/api.js';
import { SessionContext } from '../../../tab/src/session.js';
import MySupervision from '../../../tab/src/views/MySupervision.js';
import SessionRecord from '../../../tab/src/views/SessionRecord.js';
import { people, testNow, type Harness } from '../../api/harness.js';
import { startLiveApi } from './live-api.js';

const hostileAction = `<img src=x onerror="window.__injected=1">Book shadowing`;
const hostileSection = `<script>window.__injected=2</script><b>bold?</b>`;

let h: Harness;
let record: RecordView;

beforeAll(async () => {
  h = await startLiveApi({ now: testNow });
  const booking = await h.as('supervisor').post<BookingResponse>('/api/bookings', { superviseeId: people.supervisee, weekday: 'wed', time: '10:00' });
  const first = booking.body.occurrences[0]!;
  const opened = (await h.as('supervisor').post<RecordView>(`/api/supervisees/${people.supervisee}/records`, { kind: 'individual', sessionDate: first.date, eventId: first.id })).body;
  const saved = await h.as('supervisor').put<RecordView>(`/api/records/${opened.record.id}`, {
    version: opened.version,
    sections: { 'care-and-wellbeing': hostileSection },
    cases: [],
    actions: [{ id: 'a1', what: hostileAction, who: 'supervisee', due: '2026-07-30' }],
    groupSinceLast: { attended: true },
  });
  expect(saved.status).toBe(200);
  record = saved.body;
});

async function finalise(): Promise<void> {
  const current = (await h.as('supervisor').get<RecordView>(`/api/records/${record.record.id}`)).body;
  const finalised = await h.as('supervisor').post(`/api/records/${record.record.id}/finalise`, { version: current.version });
  expect(finalised.status, JSON.stringify(finalised.body)).toBe(200);
}
afterAll(() => h.close());
afterEach(cleanup);

async function renderAs(who: 'supervisor' | 'supervisee', view: JSX.Element) {
  setCredentials({ devUser: people[who] });
  const me = (await h.as(who).get<Me>('/api/me')).body;
  return render(
    <FluentProvider theme={teamsLightTheme}>
      <SessionContext.Provider value={{ me, refresh: () => undefined }}>{view}</SessionContext.Provider>
    </FluentProvider>,
  );
}

function injected(container: HTMLElement): unknown[] {
  return [container.querySelector('img[src="x"]'), container.querySelector('script'), container.querySelector('b'), (window as unknown as { __injected?: unknown }).__injected].filter((x) => x !== null && x !== undefined);
}

describe('record text in the tab', () => {
  it('keeps markup in a section as the text of the field in the record form', async () => {
    const { container } = await renderAs('supervisor', <SessionRecord id={record.record.id} />);
    expect(await screen.findByDisplayValue(hostileSection)).toBeTruthy();
    expect(await screen.findByDisplayValue(hostileAction)).toBeTruthy();
    expect(injected(container)).toEqual([]);
  });
  it('shows an action written as markup literally in My supervision', async () => {
    await finalise();
    const { container } = await renderAs('supervisee', <MySupervision />);
    expect(await screen.findByText(hostileAction, { exact: false })).toBeTruthy();
    expect(injected(container)).toEqual([]);
  });

});
