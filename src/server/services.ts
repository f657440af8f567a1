/**
 * What the HTTP API, the bot and the CLI share: the records repository, Outlook (calendar
 * and directory) and the organisation's pack, all through the Graph gateway. Local and tenant
 * mode differ only in how these are constructed (see graph-services.ts), never in how they
 * are used.
 */
import type { AutomaticReplies } from '../absence/absence.js';
import type { CalendarPort, DirectoryPort } from '../booking/ports.js';
import type { Notifier } from '../governance/service.js';
import type { GovernanceStore } from '../governance/store.js';
import type { Pack } from '../policy/schema.js';
import type { RecordsRepository } from '../records/repository.js';

export interface DirectoryPerson {
  id: string;
  displayName: string;
  mail: string;
  jobTitle?: string;
  department?: string;
  managerId: string | null;
}

/** Directory reads the API needs beyond booking (identity, manager chain, the dev picker). */
export interface PeopleDirectory extends DirectoryPort {
  person(idOrUpn: string): Promise<DirectoryPerson | undefined>;
  everyone(): Promise<DirectoryPerson[]>;
  /**
   * Outlook automatic replies (status and schedule only, never the messages), evidence of a
   * supervisor's absence. Optional: a directory without mailboxes (test fakes) has none.
   */
  automaticReplies?(idOrUpn: string): Promise<AutomaticReplies | undefined>;
}

export interface AppServices {
  pack: Pack;
  records: RecordsRepository;
  calendar: CalendarPort;
  directory: PeopleDirectory;
  /** Directory user ids of the organisation's service managers (read every record). */
  serviceManagerIds(): Promise<string[]>;
  now(): Date;
  /** Public base URL of the app (links in meeting bodies and cards: see src/links/tab-links.ts). */
  appUrl: string;
  /** The Teams app id deep links to the tab name (tenant mode); absent locally, where links are web links. */
  teamsAppId?: string;
  /**
   * The record audit log and audit samples (bootstrap keeps them in the data directory) and,
   * once the bot is up, its proactive sender for audit notices. Without it the API keeps them
   * in memory for the life of the services object (tests).
   */
  governance?: { store: GovernanceStore; notify?: Notifier };
  /**
   * Computed read-only answers (a team view, compliance) shared for a few seconds between
   * identical requests; any write through these services drops them all. Absent: computed
   * every time (in-memory services in tests).
   */
  views?: { get<T>(key: string, compute: () => Promise<T>): Promise<T> };
}
