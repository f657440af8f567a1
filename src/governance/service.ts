/**
 * Governance use cases, called alike by the API, the CLI and the retention job: they take the
 * records repository, the directory and the governance store as ports and a clock, and do the
 * work (retention, subject access, audit samples) once, in one place.
 */
import { randomInt, randomUUID } from 'node:crypto';
import type { CivilDate } from '../calendar/civil.js';
import { instantToLondon } from '../calendar/london.js';
import { SupervisionError } from '../errors.js';
import type { Pack } from '../policy/schema.js';
import type { SessionRecord, Staff } from '../records/models.js';
import type { RecordsRepository } from '../records/repository.js';
import { auditPeriod, auditRhythm, drawSample } from './audit-sampling.js';
import { recordsOfPerson } from './person-records.js';
import { applyRetention, retentionReport, type RetentionReport, type RetentionSubject } from './retention.js';
import type { AuditSample, GovernanceStore, SampleNotice, StoredSample } from './store.js';
import { exportSubjectAccess, type SubjectAccessExport } from './subject-access.js';

/** Sends one plain message to a person; `unreachable` when the bot has no conversation with them. */
export type Notifier = (userId: string, text: string) => Promise<'sent' | 'unreachable'>;

export interface GovernanceDeps {
  pack: Pack;
  records: RecordsRepository;
  directory: { everyone(): Promise<{ id: string }[]>; person(idOrUpn: string): Promise<{ id: string } | undefined> };
  store: GovernanceStore;
  now(): Date;
  /** The bot's proactive sender, where there is one; without it notices stay pending. */
  notify?: Notifier;
}

/** The identity retention runs as when no person starts it (the daily job). */
export const retentionActor = 'retention-job';

/**
 * Every staff record of the organisation, leavers included. Lists can only be filtered, never
 * listed whole, so the search starts from the directory (as supervisors and as staff) and
 * follows the supervisors named in staff records, which reaches leavers whose supervisor has
 * also left as long as someone in the chain is still known.
 */
export async function organisationStaff(deps: Pick<GovernanceDeps, 'pack' | 'records' | 'directory'>): Promise<Staff[]> {
  const found = new Map<string, Staff>();
  const asked = new Set<string>();
  let frontier = (await deps.directory.everyone()).map((p) => p.id);
  while (frontier.length > 0) {
    const next = new Set<string>();
    for (const id of frontier) {
      if (asked.has(id)) continue;
      asked.add(id);
      const rows = [...(await deps.records.where('staff', 'supervisorId', id)), ...(await deps.records.where('staff', 'userId', id))];
      for (const { record } of rows) {
        if (record.org !== deps.pack.id || found.has(record.id)) continue;
        found.set(record.id, record);
        for (const person of [record.userId, record.supervisorId]) if (!asked.has(person)) next.add(person);
      }
    }
    frontier = [...next];
  }
  return [...found.values()].sort((a, b) => a.id.localeCompare(b.id));
}

/** Each worker once, with the date they left when every staff record of theirs has ended. */
export async function retentionSubjects(deps: Pick<GovernanceDeps, 'pack' | 'records' | 'directory'>): Promise<RetentionSubject[]> {
  const byUser = new Map<string, Staff[]>();
  for (const staff of await organisationStaff(deps)) byUser.set(staff.userId, [...(byUser.get(staff.userId) ?? []), staff]);
  const subjects: RetentionSubject[] = [];
  for (const [userId, rows] of [...byUser].sort(([a], [b]) => a.localeCompare(b))) {
    const left = rows.every((r) => r.leftAt !== undefined) ? rows.map((r) => r.leftAt!).sort().at(-1) : undefined;
    // Only records about the worker (as the supervisee); a supervisor's own supervising is
    // kept with their supervisees' records.
    const held = (await recordsOfPerson(deps.records, userId, ['userId', 'superviseeId'])).filter((h) => h.record.org === undefined || h.record.org === deps.pack.id);
    subjects.push({ userId, ...(left ? { leftAt: left } : {}), records: held });
  }
  return subjects;
}

export interface RetentionRun {
  report: RetentionReport;
  deleted: number;
  skipped: number;
  dryRun: boolean;
}

/** The retention report as of a date and, unless a dry run, the deletions it lists. */
export async function runRetention(deps: GovernanceDeps, options: { asOf: CivilDate; dryRun: boolean; actorId?: string }): Promise<RetentionRun> {
  const report = retentionReport(deps.pack, options.asOf, await retentionSubjects(deps));
  const result = await applyRetention(deps.records, report, { dryRun: options.dryRun, actorId: options.actorId ?? retentionActor, at: deps.now(), audit: deps.store.audit, org: deps.pack.id });
  return { report, ...result };
}

/** Every record about one person, audited as an export by whoever asked. */
export async function subjectAccess(deps: GovernanceDeps, subjectId: string, actorId: string): Promise<{ doc: SubjectAccessExport; html: string }> {
  const { doc, html } = await exportSubjectAccess(deps.records, subjectId, { actorId, at: deps.now(), audit: deps.store.audit, org: deps.pack.id });
  return { doc, html };
}

function noticeText(item: { sessionDate: string }, period: { from: string; to: string }): string {
  return `Your supervision record of ${item.sessionDate} has been chosen for the audit of supervision records (period ${period.from} to ${period.to}). A service manager will read it to check the quality of supervision; you do not need to do anything.`;
}

async function sendNotice(deps: GovernanceDeps, sample: AuditSample, userId: string): Promise<SampleNotice> {
  const at = deps.now().toISOString();
  if (!deps.notify) return { userId, status: 'pending', at };
  const item = sample.items.find((i) => i.superviseeId === userId)!;
  try {
    return { userId, status: (await deps.notify(userId, noticeText(item, sample.period))) === 'sent' ? 'sent' : 'pending', at };
  } catch {
    // Throttled or unreachable: still owed; the next try sends it.
    return { userId, status: 'pending', at };
  }
}

export interface DrawOptions {
  actorId: string;
  asOf: CivilDate;
  size: number;
  seed?: number;
}

/**
 * Draws the sample for the audit period holding `asOf` at the pack's rhythm: finished session
 * records of the organisation dated in the period. Where the pack says so, each supervisee is
 * told before anyone reviews their record.
 */
export async function drawAuditSample(deps: GovernanceDeps, options: DrawOptions): Promise<StoredSample> {
  const rhythm = auditRhythm(deps.pack);
  if (!rhythm) throw new SupervisionError('WORKFLOW', `${deps.pack.name}'s policy sets no audit of supervision records, so there is no sampling rhythm to follow`, { field: 'org' });
  const period = auditPeriod(rhythm, options.asOf);
  const staff = await organisationStaff(deps);
  const pool: SessionRecord[] = [];
  for (const userId of new Set(staff.map((s) => s.userId))) {
    for (const { record } of await deps.records.where('sessionRecords', 'superviseeId', userId)) {
      if (record.org === deps.pack.id && record.status !== 'draft') pool.push(record);
    }
  }
  const seed = options.seed ?? randomInt(0, 2 ** 31 - 1);
  const chosen = drawSample(
    pool.map((r) => ({ id: r.id, date: r.sessionDate, record: r })),
    { from: period.from, to: period.to, size: options.size, seed },
  );
  const at = deps.now();
  let sample: AuditSample = {
    id: `sample-${randomUUID()}`,
    org: deps.pack.id,
    reviewId: rhythm.reviewId,
    period,
    seed,
    drawnBy: options.actorId,
    drawnAt: at.toISOString(),
    notifySupervisee: rhythm.notifySuperviseeBeforehand,
    items: chosen.map(({ record }) => ({ list: 'sessionRecords', recordId: record.id, superviseeId: record.superviseeId, supervisorId: record.supervisorId, sessionDate: record.sessionDate })),
    notices: [],
  };
  let stored = deps.store.samples.create(sample);
  for (const item of sample.items) {
    deps.store.audit.write({ actorId: options.actorId, action: 'sample', list: item.list, recordId: item.recordId, at: at.toISOString(), org: deps.pack.id, purpose: 'audit-sample' });
  }
  if (sample.notifySupervisee && sample.items.length > 0) {
    const notices: SampleNotice[] = [];
    for (const userId of new Set(sample.items.map((i) => i.superviseeId))) notices.push(await sendNotice(deps, sample, userId));
    sample = { ...sample, notices };
    stored = deps.store.samples.update(sample, stored.version);
  }
  return stored;
}

/** Tries again to tell the supervisees whose notice is still pending. */
export async function retryNotices(deps: GovernanceDeps, found: StoredSample): Promise<StoredSample> {
  if (!found.sample.notices.some((n) => n.status === 'pending')) return found;
  const notices: SampleNotice[] = [];
  for (const notice of found.sample.notices) notices.push(notice.status === 'pending' ? await sendNotice(deps, found.sample, notice.userId) : notice);
  return deps.store.samples.update({ ...found.sample, notices }, found.version);
}

export function requireSample(deps: GovernanceDeps, sampleId: string): StoredSample {
  const found = deps.store.samples.get(sampleId);
  if (!found || found.sample.org !== deps.pack.id) throw new SupervisionError('NOT_FOUND', `no audit sample "${sampleId}"`, { field: 'sampleId' });
  return found;
}

/** Marks one sampled record reviewed (or not) by the caller, from the version they read. */
export function markReviewed(deps: GovernanceDeps, options: { sampleId: string; recordId: string; version: string; actorId: string; reviewed: boolean }): StoredSample {
  const found = requireSample(deps, options.sampleId);
  const index = found.sample.items.findIndex((i) => i.recordId === options.recordId);
  if (index < 0) throw new SupervisionError('NOT_FOUND', `record "${options.recordId}" is not in this sample`, { field: 'recordId' });
  const at = deps.now().toISOString();
  const items = found.sample.items.map((item, i) => {
    if (i !== index) return item;
    const { reviewedBy: _b, reviewedAt: _a, ...rest } = item;
    return options.reviewed ? { ...rest, reviewedBy: options.actorId, reviewedAt: at } : rest;
  });
  // A version other than the current one fails here as a CONFLICT, whatever it would change.
  const saved = deps.store.samples.update({ ...found.sample, items }, options.version);
  if (options.reviewed) deps.store.audit.write({ actorId: options.actorId, action: 'review', list: 'sessionRecords', recordId: options.recordId, at, org: deps.pack.id, purpose: 'audit-sample' });
  return saved;
}

/** Today in London, the civil date governance works in. */
export function londonToday(deps: Pick<GovernanceDeps, 'now'>): CivilDate {
  return instantToLondon(deps.now().getTime()).date;
}
