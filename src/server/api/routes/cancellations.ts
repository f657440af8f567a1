/**
 * Sessions cancelled, declined or moved in Outlook that still want something from the
 * supervisor: the list behind the tab's banner, recording the reason, free times inside the
 * pack's window, and booking the replacement. The work is src/sync/cancellations.ts, shared
 * with the bot's card; only the supervisor (or their cover) may act.
 */
import { SupervisionError, invalidInput } from '../../../errors.js';
import type { Cancellation } from '../../../records/models.js';
import { pendingForSupervisor, pendingState, rearrange, recordReason, slotsFor } from '../../../sync/cancellations.js';
import { Authoriser, type Subject } from '../authorisation.js';
import type { ApiDeps } from '../deps.js';
import type { ApiBuilder } from '../http.js';
import type { Identity } from '../identity.js';
import {
  cancellationParams,
  cancellationReasonRequestSchema,
  cancellationSlotsSchema,
  pendingCancellationSchema,
  pendingCancellationsSchema,
  rearrangeRequestSchema,
  rearrangeResponseSchema,
  type PendingCancellation,
} from '../schemas.js';
import { rearrangeWords, rebookBy, sourceView } from '../supervision.js';

export function cancellationRoutes(api: ApiBuilder, deps: ApiDeps): void {
  const { services } = deps;

  /** The cancellation and the caller's right to act on it as the supervisee's supervisor. */
  async function writable(auth: Authoriser, identity: Identity, cancellationId: string): Promise<{ cancellation: Cancellation; version: string; subject: Subject }> {
    const found = await services.records.get('cancellations', cancellationId);
    if (!found) throw new SupervisionError('NOT_FOUND', `no cancellation "${cancellationId}"`, { field: 'cancellationId' });
    const subject = await auth.write(identity, found.record.superviseeId, 'supervisor-write');
    return { cancellation: found.record, version: found.version, subject };
  }

  async function view(auth: Authoriser, cancellation: Cancellation, version: string): Promise<PendingCancellation> {
    const state = pendingState(cancellation, services.pack) ?? { needsReason: false, needsRearranging: false };
    return { cancellation, version, supervisee: await auth.nameView(cancellation.superviseeId), ...state, rebookBy: rebookBy(services.pack, cancellation.originalDate) };
  }

  api.route({
    method: 'get',
    path: '/cancellations/pending',
    operationId: 'listPendingCancellations',
    summary: 'Sessions cancelled, declined or moved in Outlook that still need a reason or a new date, for the caller\'s supervisees',
    tags: ['cancellations'],
    response: pendingCancellationsSchema,
    handler: async ({ identity }) => {
      const auth = new Authoriser(services);
      const items: PendingCancellation[] = [];
      for (const pending of await pendingForSupervisor(services, identity.id)) {
        try {
          await auth.write(identity, pending.cancellation.superviseeId, 'supervisor-write');
        } catch (error) {
          // A relationship that ended since: no longer theirs to answer.
          if ((error as { code?: string }).code === 'FORBIDDEN' || (error as { code?: string }).code === 'NOT_FOUND') continue;
          throw error;
        }
        items.push(await view(auth, pending.cancellation, pending.version));
      }
      const rules = services.pack.cancellation;
      return {
        items,
        policy: { reasonRequired: rules.reasonRequired, ...(rules.permittedReasons ? { permittedReasons: rules.permittedReasons } : {}), window: rearrangeWords(services.pack), source: sourceView(rules.reasonSource) },
      };
    },
  });

  api.route({
    method: 'get',
    path: '/cancellations/{cancellationId}/slots',
    operationId: 'cancellationSlots',
    summary: 'Times inside the pack\'s window when the supervisor and the supervisee are both free to rearrange a cancelled session',
    tags: ['cancellations'],
    params: cancellationParams,
    response: cancellationSlotsSchema,
    errors: [403, 404, 502],
    handler: async ({ identity, params }) => {
      const auth = new Authoriser(services);
      const { cancellation, subject } = await writable(auth, identity, params.cancellationId);
      const offer = await slotsFor(services, subject.staff, cancellation, { max: 12, perDay: 3 });
      return { window: { from: offer.window.from, to: offer.window.to, words: offer.window.words }, slots: offer.slots };
    },
  });

  api.route({
    method: 'post',
    path: '/cancellations/{cancellationId}/reason',
    operationId: 'recordCancellationReason',
    summary: 'Record why a session cancelled in Outlook did not go ahead (checked against the pack\'s reasons)',
    tags: ['cancellations'],
    params: cancellationParams,
    body: cancellationReasonRequestSchema,
    response: pendingCancellationSchema,
    errors: [403, 404, 409],
    handler: async ({ identity, params, body }) => {
      const auth = new Authoriser(services);
      await writable(auth, identity, params.cancellationId);
      const outcome = await recordReason(services, params.cancellationId, body.reason);
      if (outcome.status === 'refused') throw invalidInput('reason', outcome.message, services.pack.cancellation.permittedReasons);
      return view(auth, outcome.cancellation.record, outcome.cancellation.version);
    },
  });

  api.route({
    method: 'post',
    path: '/cancellations/{cancellationId}/rearrange',
    operationId: 'rearrangeCancellation',
    summary: 'Book the replacement for a session cancelled in Outlook, inside the pack\'s window, in both calendars',
    tags: ['cancellations'],
    params: cancellationParams,
    body: rearrangeRequestSchema,
    response: rearrangeResponseSchema,
    status: 201,
    errors: [403, 404, 409, 502],
    handler: async ({ identity, params, body }) => {
      const auth = new Authoriser(services);
      const { subject } = await writable(auth, identity, params.cancellationId);
      const outcome = await rearrange(services, subject.staff, params.cancellationId, { date: body.date, time: body.time }, body.reason);
      if (outcome.status === 'already') throw new SupervisionError('WORKFLOW', `This session was already rearranged to ${outcome.date}.`, { field: 'cancellationId' });
      if (outcome.status === 'refused') {
        if (outcome.field) throw invalidInput(outcome.field, outcome.message, outcome.field === 'reason' ? services.pack.cancellation.permittedReasons : undefined);
        throw new SupervisionError('WORKFLOW', outcome.message, { field: 'cancellationId' });
      }
      return { cancellation: outcome.cancellation, rearranged: { eventId: outcome.eventId, date: outcome.date, time: outcome.time } };
    },
  });
}
