/**
 * The path every request takes, top-level or inside `$batch`: counted, held in flight
 * against its mailbox for the configured latency, possibly failed by fault injection, then
 * dispatched; failures of any kind come back as Graph error bodies, never as exceptions.
 */
import { runBatch } from './batch.js';
import type { ServiceState } from './context.js';
import { errorBody, methodNotAllowed } from './errors.js';
import type { Fault } from './faults.js';
import { appOf, sharePointUnits, type Workload } from './limits.js';
import type { GraphRequest, GraphResponse } from './protocol.js';
import { dispatch, errorResponse, mailboxOf, newRequestId } from './routes.js';

function faultResponse(fault: Fault, requestId: string, date: Date): GraphResponse {
  const body =
    fault.status === 429
      ? errorBody('TooManyRequests', 'Application is over its MailboxConcurrency limit.', requestId, date)
      : errorBody('ServiceNotAvailable', 'The service is temporarily unavailable. Retry after the time given in Retry-After.', requestId, date);
  return { status: fault.status, headers: { 'Retry-After': fault.retryAfter }, body };
}

function stamp(response: GraphResponse, requestId: string, clientRequestId: string | undefined): GraphResponse {
  return { ...response, headers: { ...response.headers, 'request-id': requestId, 'client-request-id': clientRequestId ?? requestId } };
}

function workloadOf(request: GraphRequest, mailbox: string | undefined): Workload {
  if (mailbox !== undefined) return { kind: 'outlook', mailbox };
  if (request.segments[0]?.toLowerCase() === 'sites') return { kind: 'sharepoint', units: sharePointUnits(request) };
  return { kind: 'other' };
}

async function execute(state: ServiceState, request: GraphRequest, batched: boolean): Promise<GraphResponse> {
  const requestId = newRequestId();
  state.faults.countRequest(batched);
  let mailbox: string | undefined;
  try {
    mailbox = mailboxOf(state, request);
  } catch {
    mailbox = undefined;
  }
  const admission = state.limits.admit(appOf(request.headers), workloadOf(request, mailbox), requestId);
  if (admission.refused) {
    state.faults.countThrottled();
    return stamp(admission.refused, requestId, request.headers['client-request-id']);
  }
  let response: GraphResponse;
  try {
    response = await state.faults.inFlightFor(mailbox, async () => {
      const fault = state.faults.draw();
      if (fault) return faultResponse(fault, requestId, state.clock());
      try {
        return await dispatch(state, request);
      } catch (error) {
        return errorResponse(error, requestId, state.clock());
      }
    });
  } finally {
    admission.release();
  }
  return stamp({ ...response, headers: { ...admission.headers, ...response.headers } }, requestId, request.headers['client-request-id']);
}

function isBatch(request: GraphRequest): boolean {
  return request.segments.length === 1 && request.segments[0]?.toLowerCase() === '$batch';
}

/** Handles one HTTP request to the Graph root. The `$batch` envelope itself is never faulted: its inner requests are. */
export async function handle(state: ServiceState, request: GraphRequest): Promise<GraphResponse> {
  if (!isBatch(request)) return execute(state, request, false);
  const requestId = newRequestId();
  state.faults.countRequest(false);
  try {
    if (request.method !== 'POST') throw methodNotAllowed(request.method);
    const response = await runBatch(request, (inner) => execute(state, inner, true), requestId, state.clock);
    return stamp(response, requestId, request.headers['client-request-id']);
  } catch (error) {
    return stamp(errorResponse(error, requestId, state.clock()), requestId, request.headers['client-request-id']);
  }
}
