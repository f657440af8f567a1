/**
 * Seeds the embedded service with the fictional organisation on first start: directory users
 * and the SharePoint site (which Graph cannot create), then the lists and the Staff and
 * Caseload records through the same repository production uses.
 */
import { toCivil } from '../calendar/civil.js';
import { londonDayOf } from '../calendar/london.js';
import { localTeamsApp } from '../../bot/install.js';
import { fileURLToPath } from 'node:url';
import { SupervisionError } from '../errors.js';
import type { GraphClient } from '../graph/index.js';
import { GraphTeamwork } from '../graph/teamwork.js';
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
 * so the bot can install itself for people who never chatted with it: the package is the one
 * `npm run package` builds (manifest/packaging.ts), for this local address, sent zipped as
 * Graph takes it. Nothing is built when the catalog has the app already.
 */
export async function publishLocalTeamsApp(client: GraphClient, appDomain: string): Promise<void> {
  const teamwork = new GraphTeamwork(client);
  if (await teamwork.catalogApp(localTeamsApp.id)) return;
  // Loaded only here: packaging's validator and zip writer are not needed in tenant mode.
  const { buildPackage } = await import('../../manifest/packaging.js');
  const manifestDir = fileURLToPath(new URL('../../manifest/', import.meta.url));
  const built = await buildPackage({ APP_ID: localTeamsApp.id, BOT_ID: localTeamsApp.id, APP_DOMAIN: appDomain }, manifestDir);
  if (!built.zip) throw new SupervisionError('CONFIGURATION', `the local app package is invalid: ${built.problems.join('; ')}`);
  await teamwork.publishApp(built.zip);
}
