/**
 * What must never appear in the app's logs: the demo organisation's people (names, e-mail
 * addresses) and the text typed into records. Used by the check that reads a whole browser
 * run's server log.
 */
import { allPacks } from '../../src/policy/packs.js';
import { demoOrganisation } from '../../src/demo/organisation.js';

export interface Leak {
  line: number;
  found: string;
}

/** Every seeded person's display name, given name, family name, UPN and mail, across all packs. */
export function seededPersonalData(): string[] {
  const values = new Set<string>();
  for (const pack of allPacks()) {
    for (const user of demoOrganisation(pack, '2027-01-04').users) {
      values.add(user.displayName);
      for (const part of user.displayName.split(' ')) values.add(part);
      values.add(user.userPrincipalName);
      if (user.mail) values.add(user.mail);
    }
  }
  return [...values].filter((v) => v.length >= 3);
}

/** Lines of `log` that contain any of `needles` as a whole word. */
export function findLeaks(log: string, needles: readonly string[]): Leak[] {
  const leaks: Leak[] = [];
  const patterns = needles.map((needle) => ({ needle, pattern: new RegExp(`(^|[^A-Za-z0-9])${escape(needle)}($|[^A-Za-z0-9])`) }));
  log.split('\n').forEach((text, index) => {
    for (const { needle, pattern } of patterns) if (pattern.test(text)) leaks.push({ line: index + 1, found: needle });
  });
  return leaks;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
