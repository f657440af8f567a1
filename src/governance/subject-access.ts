/**
 * Subject-access export: every record about one person, as JSON and as a readable HTML page.
 * All text in the HTML is escaped (record text is user input; it must render as text), and
 * the page has no scripts and no external resources.
 */
import type { RecordsRepository } from '../records/repository.js';
import { lists } from '../records/lists.js';
import type { AuditLog } from './audit-log.js';
import { recordsOfPerson, type HeldRecord } from './person-records.js';

export interface SubjectAccessExport {
  subjectId: string;
  generatedAt: string;
  records: { list: string; listName: string; id: string; record: Record<string, unknown> }[];
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"'`]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' })[c] as string);
}

/** Pure: the export document from the held records. */
export function buildExport(subjectId: string, held: readonly HeldRecord[], at: Date): SubjectAccessExport {
  return {
    subjectId,
    generatedAt: at.toISOString(),
    records: held.map((h) => ({ list: h.list, listName: lists[h.list].name, id: h.id, record: h.record })),
  };
}

function label(key: string): string {
  return key.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase());
}

function renderValue(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) {
    if (value.length === 0) return '<span class="none">none</span>';
    return `<ol>${value.map((v) => `<li>${renderValue(v)}</li>`).join('')}</ol>`;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) return '<span class="none">none</span>';
    return `<dl>${entries.map(([k, v]) => `<dt>${escapeHtml(label(k))}</dt><dd>${renderValue(v)}</dd>`).join('')}</dl>`;
  }
  // white-space: pre-wrap in the stylesheet keeps the author's line breaks without markup.
  return escapeHtml(String(value));
}

/** Pure: a self-contained HTML page (inline style only, no script). */
export function renderExportHtml(doc: SubjectAccessExport): string {
  const sections = doc.records
    .map((r) => `<section><h2>${escapeHtml(r.listName)}: ${escapeHtml(r.id)}</h2>${renderValue(r.record)}</section>`)
    .join('\n');
  return `<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>Supervision records: subject access export</title>
<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;line-height:1.4}dd{white-space:pre-wrap;margin:0 0 .5rem 1rem}dt{font-weight:600}.none{color:#666}</style>
</head>
<body>
<h1>Supervision records: subject access export</h1>
<p>Person: ${escapeHtml(doc.subjectId)}. Generated ${escapeHtml(doc.generatedAt)}. ${doc.records.length} record(s).</p>
${sections}
</body>
</html>
`;
}

/** Collects, audits (one `export` entry per record) and renders the export. */
export async function exportSubjectAccess(
  records: RecordsRepository,
  subjectId: string,
  options: { actorId: string; at: Date; audit: AuditLog; org?: string },
): Promise<{ doc: SubjectAccessExport; json: string; html: string; count: number }> {
  const held = await recordsOfPerson(records, subjectId);
  for (const h of held) options.audit.write({ actorId: options.actorId, action: 'export', list: h.list, recordId: h.id, at: options.at.toISOString(), ...(options.org ? { org: options.org } : {}), purpose: 'subject-access' });
  const doc = buildExport(subjectId, held, options.at);
  return { doc, json: JSON.stringify(doc, null, 2), html: renderExportHtml(doc), count: held.length };
}
