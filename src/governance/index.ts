export { auditAccess, auditEntrySchema, isThirdParty, MemoryAuditLog, SqliteAuditLog, type AuditEntry, type AuditLog, type AuditQuery } from './audit-log.js';
export { auditPeriod, auditRhythm, drawSample, type AuditRhythm, type Sampleable } from './audit-sampling.js';
export { personLists, recordDate, recordsOfPerson, type HeldRecord, type PersonColumn } from './person-records.js';
export { applyRetention, retentionReport, type ApplyOptions, type RetentionItem, type RetentionReport, type RetentionSubject } from './retention.js';
export { buildExport, escapeHtml, exportSubjectAccess, renderExportHtml, type SubjectAccessExport } from './subject-access.js';
export { noticesHandler, noticesJobKind, retentionJobKind, retentionPlanner, retentionHandler, runGovernanceJobs, scheduleGovernanceJobs, type GovernanceScheduler } from './jobs.js';
export {
  drawAuditSample,
  londonToday,
  markReviewed,
  organisationStaff,
  requireSample,
  retentionActor,
  retentionSubjects,
  retryNotices,
  runRetention,
  subjectAccess,
  type DrawOptions,
  type GovernanceDeps,
  type Notifier,
  type RetentionRun,
} from './service.js';
export { auditSampleSchema, openGovernanceStore, type AuditSample, type GovernanceStore, type SampleItem, type SampleNotice, type SampleStore, type StoredSample } from './store.js';
export { startGovernance, type GovernanceRuntime, type PersonSender } from './runtime.js';
