/**
 * Graph's permission rules for the endpoints the embedded service implements (each API page's
 * Permissions table), and the app's permission table (src/graph/permissions.ts) agreeing with
 * them: what the app's table accepts for a call, Graph accepts for that endpoint.
 */
import { describe, expect, it } from 'vitest';
import { gatewayCalls } from '../../../src/graph/permissions.js';
import { checkPermission, endpointPermissions, type PermissionHolder } from '../../../src/local-graph/permissions.js';
import { endpointKeys } from '../../../src/local-graph/routes.js';

const app = (roles: string[]): PermissionHolder => ({ kind: 'app', appId: 'app-1', scopes: [], roles });
const user = (scopes: string[]): PermissionHolder => ({ kind: 'delegated', appId: 'app-1', scopes, roles: [] });

describe("Graph's permissions per endpoint", () => {
  it('has a rule for every endpoint the service implements, and none for endpoints it does not', () => {
    expect(Object.keys(endpointPermissions).sort()).toEqual(endpointKeys().sort());
  });

  it("accepts, for each gateway call, every permission the app's table accepts (the app may be stricter, never looser)", () => {
    for (const call of gatewayCalls) {
      // $batch is checked request by request inside it.
      const key = call.path === '/$batch' ? 'POST /users/{id}/events' : `${call.method} ${call.path}`;
      const rule = endpointPermissions[key];
      expect(rule, `${call.page}: no rule for ${key}`).toBeDefined();
      for (const kind of ['delegated', 'application'] as const) {
        for (const permission of call[kind]?.accepted ?? []) expect(rule![kind], `${call.page} (${kind})`).toContain(permission);
      }
    }
  });

  it('refuses a token without any of the permissions as the service behind Graph does', () => {
    const events = endpointPermissions['POST /users/{id}/events']!;
    expect(() => checkPermission(app(['User.Read.All']), events, 'outlook')).toThrow(expect.objectContaining({ status: 403, code: 'ErrorAccessDenied' }));
    expect(() => checkPermission(app(['Calendars.ReadWrite']), events, 'outlook')).not.toThrow();
    expect(() => checkPermission(user(['Calendars.Read']), events, 'outlook')).toThrow(expect.objectContaining({ status: 403 }));
    expect(() => checkPermission(app(['Calendars.Read']), endpointPermissions['GET /users/{id}/manager']!, 'directory')).toThrow(expect.objectContaining({ code: 'Authorization_RequestDenied' }));
    // The install lookup: TeamsAppInstallation.ReadWriteSelfForUser.All does not cover the catalog.
    expect(() => checkPermission(app(['TeamsAppInstallation.ReadWriteSelfForUser.All']), endpointPermissions['GET /appCatalogs/teamsApps']!, 'teams')).toThrow(expect.objectContaining({ status: 403, code: 'Forbidden' }));
    expect(() => checkPermission(app(['AppCatalog.Read.All']), endpointPermissions['GET /appCatalogs/teamsApps']!, 'teams')).not.toThrow();
    // Publishing has no application permission at all.
    expect(() => checkPermission(app(['AppCatalog.ReadWrite.All']), endpointPermissions['POST /appCatalogs/teamsApps']!, 'teams')).toThrow();
  });

  it('lets Sites.Selected act only with a grant on the site that is enough for the call', () => {
    const create = endpointPermissions['POST /sites/{id}/lists/{id}/items']!;
    const provision = endpointPermissions['POST /sites/{id}/lists']!;
    expect(() => checkPermission(app(['Sites.Selected']), create, 'sharepoint', () => undefined)).toThrow(expect.objectContaining({ code: 'accessDenied' }));
    expect(() => checkPermission(app(['Sites.Selected']), create, 'sharepoint', () => 'read')).toThrow();
    expect(() => checkPermission(app(['Sites.Selected']), create, 'sharepoint', () => 'write')).not.toThrow();
    expect(() => checkPermission(app(['Sites.Selected']), provision, 'sharepoint', () => 'write')).toThrow();
    expect(() => checkPermission(app(['Sites.Selected']), provision, 'sharepoint', () => 'manage')).not.toThrow();
    expect(() => checkPermission(app(['Sites.ReadWrite.All']), create, 'sharepoint')).not.toThrow();
  });
});
