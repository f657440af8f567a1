import birmingham from '../../policies/birmingham.json' with { type: 'json' };
import bristol from '../../policies/bristol.json' with { type: 'json' };
import dudley from '../../policies/dudley.json' with { type: 'json' };
import northumberland from '../../policies/northumberland.json' with { type: 'json' };
import shropshire from '../../policies/shropshire.json' with { type: 'json' };
import { SupervisionError } from '../errors.js';
import { organisationIds, type OrganisationId } from './canonical.js';
import type { Pack } from './schema.js';
import { validatePack } from './validate.js';

/**
 * The bundled policy packs, validated once on first use. Packs are data shipped with the
 * product (imported, not read from disk) so the core has no IO and a bad pack fails loudly
 * at start-up, naming the JSON path, rather than when someone books a meeting.
 */
const raw: Record<OrganisationId, unknown> = { birmingham, northumberland, dudley, shropshire, bristol };
let cache: Map<string, Pack> | undefined;

function loadAll(): Map<string, Pack> {
  if (cache) return cache;
  const packs = new Map<string, Pack>();
  for (const id of organisationIds) {
    const result = validatePack(raw[id]);
    if (!result.ok) {
      const first = result.issues[0];
      throw new SupervisionError('POLICY_INVALID', `policies/${id}.json is invalid at ${first?.path}: ${first?.message}`);
    }
    packs.set(id, result.pack);
  }
  cache = packs;
  return packs;
}

export function allPacks(): Pack[] {
  return [...loadAll().values()];
}

export function getPack(id: string): Pack {
  const pack = loadAll().get(id);
  if (!pack) {
    throw new SupervisionError('UNKNOWN_ORGANISATION', `unknown organisation "${id}"; valid organisations: ${organisationIds.join(', ')}`, {
      field: 'org',
      choices: organisationIds,
    });
  }
  return pack;
}
