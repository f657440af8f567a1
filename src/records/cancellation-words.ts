import type { Cancellation } from './models.js';

/**
 * How a cancellation is told to the supervisor ("the session on … was declined in Outlook by
 * the supervisee"), the same in the bot's card and the tab's banner. Type-only imports: the tab
 * bundles this file.
 */
export const whatHappened: Readonly<Record<Cancellation['origin'], string>> = {
  app: 'was cancelled',
  'app-moved': 'was moved',
  'outlook-cancelled': 'was cancelled in Outlook',
  'outlook-deleted': 'was deleted from Outlook',
  'outlook-declined': 'was declined in Outlook by the supervisee',
  'outlook-moved': 'was moved in Outlook',
};
