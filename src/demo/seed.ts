/**
 * Seeds the embedded service with the fictional organisation on first start: directory users
 * and the SharePoint site (which Graph cannot create), then the lists and the Staff and
 * Caseload records through the same repository production uses.
 */
import { toCivil } from '../calendar/civil.js';
import { londonDayOf } from '../calendar/london.js';
import { localTeamsApp } from '../../bot/install.js';
import type { GraphClient } from '../graph/index.js';
import type { LocalGraph } from '../local-graph/index.js';
import type { AppServices } from '../server/services.js';
import { demoOrganisation, demoSiteId } from './organisation.js';

export async function seedLocalOrganisation(graph: LocalGraph, services: AppServices): Promise<{ people: number; staff: number; cases: number }> {
  const asOf = toCivil(londonDayOf(services.now().getTime()));
  const organisation = demoOrganisation(services.pack, asOf);
  graph.ensureSite({ id: demoSiteId, displayName: 'Supervision', webUrl: 'https://wrenfield.example/sites/supervision' });
  for (const user of organisation.users) graph.upsertUser(user);
  await services.records.provision();
  for (const staff of organisation.staff) await services.records.create('staff', staff);
  for (const entry of organisation.caseload) await services.records.create('caseload', entry);
  return { people: organisation.users.length, staff: organisation.staff.length, cases: organisation.caseload.length };
}

/**
 * Publishes the app to the embedded org catalog, as an administrator uploads it to a tenant's,
 * so the bot can install itself for people who never chatted with it. The embedded service
 * takes the manifest itself (Graph takes the zipped package); 409 means it is there already.
 */
export async function publishLocalTeamsApp(client: GraphClient): Promise<void> {
  const manifest = { id: localTeamsApp.id, version: '1.0.0', name: { short: localTeamsApp.name }, bots: [{ botId: localTeamsApp.id, scopes: ['personal', 'team'] }] };
  await client.request({ method: 'POST', path: '/appCatalogs/teamsApps', body: manifest, accept: [409] });
}
