/**
 * Records governance through the API: the audit log of access by anyone but a record's two
 * parties, subject-access exports, and audit samples at the pack's rhythm.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openGovernanceStore } from '../../src/governance/store.js';
import type { SessionRecord } from '../../src/records/models.js';
import type { AuditLogView, AuditOverview, AuditSampleView } from '../../src/server/api/schemas.js';
import { people, startHarness, testNow, type Harness } from './harness.js';

type ErrorBody = { error: { code: string; field?: string; message: string } };

const S = people.supervisee;

function record(id: string, sessionDate: string, extra: Partial<SessionRecord> = {}): SessionRecord {
  return {
    id,
    superviseeId: S,
    supervisorId: people.supervisor,
    org: 'dudley',
    templateId: 'practitioner',
    kind: 'individual',
    sessionDate,
    sections: { wellbeing: 'Talked about workload.' },
    cases: [],
    actions: [],
    status: 'finalised',
    updatedAt: `${sessionDate}T12:00:00Z`,
    ...extra,
  };
}

describe('audit log of record access', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ now: testNow });
    await h.services.records.create('sessionRecords', record('rec-audit-1', '2026-05-20'));
  });
  afterAll(() => h.close());

  const log = async (recordId: string) => (await h.as('serviceManager').get<AuditLogView>(`/api/audit-log?recordId=${recordId}`)).body.entries;

  it("a line manager reading a record produces exactly one entry: who, when, what, and no content", async () => {
    expect(await log('rec-audit-1')).toEqual([]);
    expect((await h.as('lineManager').get('/api/records/rec-audit-1')).status).toBe(200);
    const entries = await log('rec-audit-1');
    expect(entries).toEqual([{ actorId: people.lineManager, action: 'read', list: 'sessionRecords', recordId: 'rec-audit-1', at: testNow.toISOString() }]);
    expect(JSON.stringify(entries)).not.toContain('workload');
  });

  it("the record's own supervisee and supervisor reading it add nothing", async () => {
    const before = (await log('rec-audit-1')).length;
    expect((await h.as('supervisee').get('/api/records/rec-audit-1')).status).toBe(200);
    expect((await h.as('supervisor').get('/api/records/rec-audit-1')).status).toBe(200);
    expect(await log('rec-audit-1')).toHaveLength(before);
  });

  it('a refused read leaves no entry', async () => {
    const before = (await log('rec-audit-1')).length;
    expect((await h.as('otherManager').get('/api/records/rec-audit-1')).status).toBe(403);
    expect(await log('rec-audit-1')).toHaveLength(before);
  });

  it("a line manager listing a supervisee's agreements is audited per agreement", async () => {
    await h.services.records.create('agreements', {
      id: 'agr-audit-1',
      superviseeId: S,
      supervisorId: people.supervisor,
      org: 'dudley',
      templateId: 'agreement',
      answers: {},
      due: '2026-06-01',
      status: 'draft',
      updatedAt: '2026-05-01T09:00:00Z',
    });
    expect((await h.as('lineManager').get(`/api/supervisees/${S}/agreements`)).status).toBe(200);
    expect((await log('agr-audit-1')).map((e) => [e.actorId, e.action, e.list])).toEqual([[people.lineManager, 'read', 'agreements']]);
  });

  it("a line manager reading a supervisee's preparation answers is audited; the supervisor's read is not", async () => {
    await h.services.records.create('prepResponses', {
      id: 'prep-audit-1',
      superviseeId: S,
      supervisorId: people.supervisor,
      org: 'dudley',
      sessionDate: '2026-06-24',
      answers: {},
      perCase: [],
      submittedAt: '2026-06-16T09:00:00Z',
    });
    expect((await h.as('supervisor').get(`/api/supervisees/${S}/prep?sessionDate=2026-06-24`)).status).toBe(200);
    expect(await log('prep-audit-1')).toEqual([]);
    expect((await h.as('lineManager').get(`/api/supervisees/${S}/prep?sessionDate=2026-06-24`)).status).toBe(200);
    expect((await log('prep-audit-1')).map((e) => [e.actorId, e.action, e.list])).toEqual([[people.lineManager, 'read', 'prepResponses']]);
  });

  it('lists entries by London day', async () => {
    const on = await h.as('serviceManager').get<AuditLogView>('/api/audit-log?from=2026-06-17&to=2026-06-18');
    expect(on.body.entries.length).toBeGreaterThan(0);
    const after = await h.as('serviceManager').get<AuditLogView>('/api/audit-log?from=2026-06-18');
    expect(after.body.entries).toEqual([]);
    const bad = await h.as('serviceManager').get<ErrorBody>('/api/audit-log?from=yesterday');
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('from');
  });

  it('only a service manager can read the audit log', async () => {
    for (const who of ['lineManager', 'supervisor', 'supervisee'] as const) {
      const res = await h.as(who).get<ErrorBody>('/api/audit-log');
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('FORBIDDEN');
    }
  });
});

describe('subject-access export', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ now: testNow });
    await h.services.records.create('sessionRecords', record('rec-sar-1', '2026-04-15', { sections: { wellbeing: '<script>alert("x")</script> & more' } }));
  });
  afterAll(() => h.close());

  it('gives the person every record about them as JSON', async () => {
    const res = await h.as('supervisee').get<{ subjectId: string; records: { list: string; id: string; record: Record<string, unknown> }[] }>(`/api/people/${S}/subject-access`);
    expect(res.status).toBe(200);
    expect(res.body.subjectId).toBe(S);
    expect(res.body.records.map((r) => `${r.list}/${r.id}`)).toContain('sessionRecords/rec-sar-1');
    expect(res.body.records.map((r) => r.list)).toContain('staff');
  });

  it('renders record text as text in the HTML version (a script in a record stays inert)', async () => {
    const res = await h.as('supervisee').get<string>(`/api/people/${S}/subject-access/html`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="?exportSubjectAccessHtml\.html"?$/);
    expect(res.body).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more');
    expect(res.body).not.toContain('<script');
  });

  it('lets a service manager export anyone, and nobody else export another person', async () => {
    expect((await h.as('serviceManager').get(`/api/people/${S}/subject-access`)).status).toBe(200);
    expect((await h.as('supervisor').get(`/api/people/${S}/subject-access`)).status).toBe(403);
    expect((await h.as('teammate').get(`/api/people/${S}/subject-access/html`)).status).toBe(403);
  });

  it('audits each export, by whoever asked', async () => {
    const entries = (await h.as('serviceManager').get<AuditLogView>('/api/audit-log?recordId=rec-sar-1')).body.entries;
    expect(entries.filter((e) => e.action === 'export').map((e) => e.actorId).sort()).toEqual([S, S, people.serviceManager].sort());
  });
});

describe('audit sampling (Dudley: annual audit, the supervisee told beforehand)', () => {
  let h: Harness;
  const told: { userId: string; text: string }[] = [];
  beforeAll(async () => {
    h = await startHarness({ now: testNow });
    h.services.governance = {
      store: openGovernanceStore(':memory:'),
      notify: async (userId, text) => {
        told.push({ userId, text });
        return 'sent';
      },
    };
    await h.services.records.create('sessionRecords', record('rec-s-1', '2026-02-04', { sections: { wellbeing: 'Private words' } }));
    await h.services.records.create('sessionRecords', record('rec-s-2', '2026-03-04'));
    await h.services.records.create('sessionRecords', record('rec-s-3', '2026-04-01'));
    await h.services.records.create('sessionRecords', record('rec-s-draft', '2026-05-01', { status: 'draft' }));
    await h.services.records.create('sessionRecords', record('rec-s-last-year', '2025-11-05'));
  });
  afterAll(() => h.close());

  let sample: AuditSampleView;

  it("shows the pack's rhythm and the current period", async () => {
    const res = await h.as('serviceManager').get<AuditOverview>('/api/audit-samples');
    expect(res.status).toBe(200);
    expect(res.body.rhythm).toMatchObject({ reviewId: 'supervision-records-audit', months: 12, notifySuperviseeBeforehand: true });
    expect(res.body.currentPeriod).toEqual({ from: '2026-01-01', to: '2027-01-01' });
  });

  it('draws finished records of the period only, and tells each supervisee without quoting the record', async () => {
    const res = await h.as('serviceManager').post<AuditSampleView>('/api/audit-samples', { size: 10, seed: 42 });
    expect(res.status).toBe(201);
    sample = res.body;
    expect(sample.period).toEqual({ from: '2026-01-01', to: '2027-01-01' });
    expect(sample.items.map((i) => i.recordId).sort()).toEqual(['rec-s-1', 'rec-s-2', 'rec-s-3']);
    expect(sample.items.every((i) => i.told === 'sent')).toBe(true);
    expect(told.map((t) => t.userId)).toEqual([S]);
    expect(told[0]!.text).not.toContain('Private words');
  });

  it('refuses a second sample for the same period', async () => {
    const res = await h.as('serviceManager').post<ErrorBody>('/api/audit-samples', { size: 2 });
    expect(res.status).toBe(409);
  });

  it('marks a sampled record reviewed from the version read; a stale version is a conflict', async () => {
    const first = sample.items[0]!.recordId;
    const res = await h.as('serviceManager').post<AuditSampleView>(`/api/audit-samples/${sample.id}/records/${first}/review`, { version: sample.version, reviewed: true });
    expect(res.status).toBe(200);
    expect(res.body.items.find((i) => i.recordId === first)).toMatchObject({ reviewedBy: people.serviceManager, reviewedAt: testNow.toISOString() });
    const stale = await h.as('serviceManager').post<ErrorBody>(`/api/audit-samples/${sample.id}/records/${sample.items[1]!.recordId}/review`, { version: sample.version, reviewed: true });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('CONFLICT');
    const listed = await h.as('serviceManager').get<AuditOverview>('/api/audit-samples');
    expect(listed.body.samples[0]!.items.filter((i) => i.reviewedBy)).toHaveLength(1);
  });

  it('is for service managers only', async () => {
    expect((await h.as('lineManager').get('/api/audit-samples')).status).toBe(403);
    expect((await h.as('lineManager').post('/api/audit-samples', { size: 1 })).status).toBe(403);
    expect((await h.as('supervisor').post(`/api/audit-samples/${sample.id}/records/rec-s-1/review`, { version: '1', reviewed: true })).status).toBe(403);
  });
});

// Not every pack's demo organisation has a head of service: the service manager acts here.
describe('audit sampling in other packs', () => {
  it('Northumberland samples twice a year and does not tell the supervisee; without a bot the notice would stay pending', async () => {
    const h = await startHarness({ now: testNow, org: 'northumberland', serviceManagerIds: [people.lineManager] });
    try {
      await h.services.records.create('sessionRecords', record('rec-n-1', '2026-03-04', { org: 'northumberland' }));
      await h.services.records.create('sessionRecords', record('rec-n-2', '2026-08-04', { org: 'northumberland' }));
      const res = await h.as('lineManager').post<AuditSampleView>('/api/audit-samples', { size: 5 });
      expect(res.status).toBe(201);
      expect(res.body.period).toEqual({ from: '2026-01-01', to: '2026-07-01' });
      expect(res.body.items.map((i) => [i.recordId, i.told])).toEqual([['rec-n-1', 'not-required']]);
    } finally {
      await h.close();
    }
  });

  it('Birmingham sets no audit of records: drawing a sample is refused with the reason', async () => {
    const h = await startHarness({ now: testNow, org: 'birmingham', serviceManagerIds: [people.lineManager] });
    try {
      const overview = await h.as('lineManager').get<AuditOverview>('/api/audit-samples');
      expect(overview.body.rhythm).toBeNull();
      const res = await h.as('lineManager').post<ErrorBody>('/api/audit-samples', { size: 5 });
      expect(res.status).toBe(409);
      expect(res.body.error.message).toMatch(/no audit/);
    } finally {
      await h.close();
    }
  });
});
