/**
 * The permission table (src/graph/permissions.ts): it names every call the gateway makes,
 * the app requests a permission covering each (the catalog lookup included), nothing it does
 * not use, and docs/tenant-setup.md shows exactly these tables.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GraphCalendar } from '../../../src/graph/calendar.js';
import { GraphLists } from '../../../src/graph/lists.js';
import { callsCoveredBy, gatewayCalls, requestedPermissions, uncoveredCalls } from '../../../src/graph/permissions.js';
import { GraphSubscriptions } from '../../../src/graph/subscriptions.js';
import { GraphTeamwork } from '../../../src/graph/teamwork.js';
import { GraphDirectory } from '../../../src/server/graph-services.js';
import { guidePath, withGeneratedTables } from '../../../scripts/permissions-doc.js';

/** Methods that only combine calls listed on their own (or make none). */
const composites = new Set(['GraphTeamwork.ensurePersonalChat', 'GraphDirectory.person', 'GraphLists.ensureList']);

function publicMethods(name: string, prototype: object): string[] {
  return Object.getOwnPropertyNames(prototype)
    .filter((m) => m !== 'constructor' && typeof (prototype as Record<string, unknown>)[m] === 'function')
    .map((m) => `${name}.${m}`);
}

describe('Graph permissions as data', () => {
  it('lists every call the gateway makes', () => {
    const listed = new Set(gatewayCalls.map((c) => c.call.split(' ')[0]));
    const methods = [
      ...publicMethods('GraphCalendar', GraphCalendar.prototype),
      ...publicMethods('GraphLists', GraphLists.prototype),
      ...publicMethods('GraphSubscriptions', GraphSubscriptions.prototype),
      ...publicMethods('GraphTeamwork', GraphTeamwork.prototype),
      ...publicMethods('GraphDirectory', GraphDirectory.prototype),
    ].filter((m) => !/\.(events|collectEvents|deltaRound|listPath|raw)$/.test(m));
    for (const method of methods) expect(listed.has(method) || composites.has(method), `${method} is not in src/graph/permissions.ts`).toBe(true);
  });

  it('requests a permission Graph accepts for every call, by every kind of token the app makes it with', () => {
    expect(uncoveredCalls().map(({ call, kind }) => `${call.page} (${kind})`)).toEqual([]);
  });

  it('requests the AppCatalog read the install lookup needs (TeamsAppInstallation.ReadWriteSelfForUser.All does not cover it)', () => {
    const lookup = gatewayCalls.find((c) => c.call === 'GraphTeamwork.catalogApp');
    expect(lookup?.application?.least).toBe('AppCatalog.Read.All');
    expect(lookup?.application?.accepted).not.toContain('TeamsAppInstallation.ReadWriteSelfForUser.All');
    expect(requestedPermissions).toContainEqual(expect.objectContaining({ kind: 'application', permission: 'AppCatalog.Read.All' }));
  });

  it('requests nothing no call needs: each permission is the least privileged one of a call it serves', () => {
    for (const permission of requestedPermissions.filter((p) => p.permission !== 'User.Read')) {
      const calls = callsCoveredBy(permission);
      expect(calls.some((c) => c[permission.kind]!.least === permission.permission), `${permission.kind} ${permission.permission} is broader than any call needs`).toBe(true);
    }
  });

  it('is what docs/tenant-setup.md shows (regenerate with node --import tsx scripts/permissions-doc.ts --write)', () => {
    const guide = readFileSync(guidePath, 'utf8');
    expect(withGeneratedTables(guide)).toBe(guide);
    expect(guide).toContain('`AppCatalog.Read.All`');
  });
});
