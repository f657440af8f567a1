/**
 * The Graph gateway: every call the product makes to Microsoft Graph (or to the embedded
 * local service, which speaks the same subset) goes through here. No domain rules live in
 * this folder; the ports in src/booking and src/records are implemented on top of it.
 */
export {
  createGraphClient,
  collect,
  isReplaySafe,
  type GraphCall,
  type GraphClient,
  type GraphClientOptions,
  type GraphResponse,
  type HttpMethod,
  type RetryOptions,
} from './client.js';
export {
  clientCredentialsAuth,
  createConfidentialClient,
  graphDefaultScope,
  localDevAuth,
  onBehalfOfAuth,
  GraphConsentRequiredError,
  type AccessTokenProvider,
  type ConfidentialAppConfig,
  type ConfidentialTokenSource,
} from './auth.js';
export { batchBody, maxBatchSize, runBatch, type BatchRequest, type BatchResponse, type RunBatchOptions } from './batch.js';
export {
  GraphCalendar,
  eventSchema,
  maxSchedulesPerCall,
  type DeltaResult,
  type GraphEvent,
  type Instant,
  type NewEvent,
  type PageOptions,
  type ZoneOptions,
} from './calendar.js';
export {
  GraphLists,
  equalsFilter,
  odataField,
  odataString,
  type EnsureListResult,
  type ListColumn,
  type ListColumnType,
  type ListDefinition,
  type ListItem,
  type QueryOptions,
} from './lists.js';
export {
  GraphConflictError,
  GraphRequestError,
  GraphThrottledError,
  isGraphItemNotFound,
  isGraphRequestError,
} from './errors.js';
