/**
 * The privacy statement and terms of use the manifest names (`developer.privacyUrl`,
 * `developer.termsOfUseUrl`): plain pages that say what this app keeps, where, for how long
 * under each organisation's policy, and who can read it. They describe the code as it is:
 * the lists it provisions, the relationship rule the API enforces, retention per pack.
 */
import { durationText } from '../policy/duration.js';
import type { Pack } from '../policy/schema.js';
import { lists } from '../records/lists.js';

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

function page(title: string, body: string): string {
  return [
    '<!doctype html>',
    '<html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escape(title)}: Supervision for Teams</title>`,
    '<style>body{font-family:system-ui,sans-serif;line-height:1.5;max-width:46rem;margin:0 auto;padding:1rem 1.25rem;color:#1b1b1b;background:#fff}table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #ccc;vertical-align:top}@media (prefers-color-scheme:dark){body{color:#eee;background:#1f1f1f}th,td{border-color:#555}}</style>',
    `</head><body><main><h1>${escape(title)}</h1>${body}</main></body></html>`,
  ].join('');
}

/** What each list holds, in words: the repository's list names (src/records/lists.ts). */
const listPurposes: Record<keyof typeof lists, string> = {
  staff: 'who supervises whom, role, team, start and leaving dates, cover arrangements',
  schedules: 'the supervision meetings booked in Outlook for each supervisee (meeting ids, dates, the policy rule)',
  agreements: "supervision agreements in the organisation's template, and their sign-off",
  sessionRecords: 'session records: the sections of the template, case references discussed, actions, sign-off',
  actions: 'actions agreed in sessions and whether they are done',
  caseDiscussions: 'when each case reference on a caseload was last discussed',
  caseload: "the case references on each worker's caseload and their category",
  prepResponses: "supervisees' answers to the preparation questions before a session",
  cancellations: 'sessions that did not go ahead: the date, the reason given, what replaced them',
  circleSessions: 'solution and success circles run in channels: who took part, outcomes counted',
  supervisorLeave: "supervisors' leave recorded in the app, for arranging cover",
};

function retentionText(pack: Pack): string {
  if (!pack.retention) return "The policy sets no retention period: records are kept until the organisation's administrators delete them.";
  const after = pack.retention.after === 'worker-leaves' ? 'after the worker leaves' : 'after the record is created';
  return `Kept for ${durationText(pack.retention.keep)} ${after}, then deleted by the daily retention job, which writes an audit entry for each deletion.`;
}

export function privacyPage(pack: Pack, packs: readonly Pack[]): string {
  const listRows = (Object.keys(lists) as (keyof typeof lists)[]).map((key) => `<tr><td>${escape(lists[key].name)}</td><td>${escape(listPurposes[key])}</td></tr>`).join('');
  const retentionRows = packs.map((p) => `<tr><td>${escape(p.name)}</td><td>${escape(retentionText(p))}</td></tr>`).join('');
  return page(
    'Privacy',
    [
      `<p>Supervision for Teams helps ${escape(pack.name)} book, prepare, record and sign off staff supervision. It is run by the organisation itself: the records stay in the organisation's Microsoft 365 tenant, and nobody else receives them.</p>`,
      '<h2>What is kept, and where</h2>',
      "<p><strong>In the organisation's SharePoint site</strong>, in these lists (one item per record, the record itself as JSON beside the columns used to find it):</p>",
      `<table><thead><tr><th>List</th><th>What it holds</th></tr></thead><tbody>${listRows}</tbody></table>`,
      '<p>Records hold case <em>references</em> only, never the names or details of children or families: the app refuses a name where a case reference belongs.</p>',
      "<p><strong>In Outlook</strong>, in the supervisor's and the supervisee's calendars: the supervision meetings, with the policy rule, the agenda headings of the record template and a link to the app. No record content and no case references.</p>",
      '<p><strong>In Teams</strong>, in the 1:1 chat with the app: preparation prompts, reminders and records to confirm. What a supervisee types into a card is saved in the lists above.</p>',
      "<p><strong>On the app's server</strong>, in its data directory: how to reach each person in Teams (conversation references), the schedule of prompts it will send, the state of its Outlook and change-notification sync, and the audit log. The audit log records who read, changed, exported or deleted a record other than its own supervisee and supervisor, when, and which record: never the record's content. The server's logs hold event names and counts, never names, addresses or record text.</p>",
      '<h2>Who can read a supervision record</h2>',
      "<p>Access follows the relationship as it is today, for reading, writing and exporting alike: the supervisee; their supervisor; a cover supervisor while the cover is in force; the supervisor's line manager; and the service managers the organisation names. Anyone else is refused. Every access by someone other than the supervisee and the supervisor is written to the audit log.</p>",
      pack.recordAccess ? `<p>${escape(pack.name)}'s policy says: ${escape(pack.recordAccess.text)}</p>` : '',
      '<h2>How long records are kept</h2>',
      `<p>${escape(pack.name)}: ${escape(retentionText(pack))}</p>`,
      `<table><thead><tr><th>Organisation policy</th><th>Retention</th></tr></thead><tbody>${retentionRows}</tbody></table>`,
      '<h2>Your rights</h2>',
      "<p>A worker can ask the organisation for a copy of everything the app holds about them (a subject access request): the organisation's service managers export it from the app. Corrections go through the supervisor; a supervisee who disagrees with a record says so on the record, and the disagreement is kept with it. Contact the organisation's data protection officer about anything on this page.</p>",
    ].join(''),
  );
}

export function termsPage(pack: Pack): string {
  return page(
    'Terms of use',
    [
      `<p>Supervision for Teams is provided to the staff of ${escape(pack.name)} for staff supervision under the organisation's supervision policy. Using it is part of your work for the organisation and is covered by its acceptable use and information governance policies.</p>`,
      '<ul>',
      '<li>Use case references, never the names or identifying details of children, young people or families, in any field.</li>',
      "<li>Records, agreements and preparation answers are the organisation's records. Keep them accurate; say on the record when you disagree with it.</li>",
      "<li>The app books meetings in your Outlook calendar and sends you prompts in Teams on the organisation's behalf. Your organisation's administrators decide which Microsoft 365 permissions it has.</li>",
      '<li>The policy rules the app applies come from the organisation. Where the app and the written policy differ, the written policy wins: tell your service manager.</li>',
      '</ul>',
      '<p>See the <a href="/privacy">privacy page</a> for what the app keeps, where, and who can read it.</p>',
    ].join(''),
  );
}
