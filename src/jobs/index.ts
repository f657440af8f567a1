export { SqliteJobStore, jobKey, type Job, type JobSpec, type JobStatus, type JobStoreOptions } from './store.js';
export { runDueJobs, UndeliveredError, type JobContext, type JobHandler, type JobOutcome, type Planner, type RunOptions, type RunReport } from './runner.js';
