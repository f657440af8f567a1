export { declinedBySupervisee, detectChanges, madeInApp, instantOfGraphTime, type OccurrenceChange, type DetectInput, type DetectResult } from './changes.js';
export { MemorySyncStateStore, SqliteSyncStateStore, type MailboxSyncState, type SeenOccurrence, type SyncStateStore } from './state-store.js';
export { cancellationIdFor, declinedReason, rollingWindow, syncCalendars, type MailboxSyncReport, type SyncDeps, type SyncOptions, type SyncReport, type SyncWindow } from './sync-calendars.js';
