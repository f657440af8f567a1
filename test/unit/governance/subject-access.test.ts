import { describe, expect, it } from 'vitest';
import { MemoryAuditLog } from '../../../src/governance/audit-log.js';
import { escapeHtml, exportSubjectAccess } from '../../../src/governance/subject-access.js';
import { RecordsRepository } from '../../../src/records/repository.js';
import { MemoryListPort } from '../../support/memory-services.js';
import { cancellation, session, staff } from './fixtures.js';

const hostile = `<script>alert("x")</script><img src=x onerror='y'> & \`z\``;

describe('subject-access export', () => {
  it('exports every record about the person (as supervisee or supervisor), none of anyone else, and audits each', async () => {
    const records = new RecordsRepository(new MemoryListPort());
    await records.create('staff', staff('worker-a'));
    await records.create('sessionRecords', session('s-1', 'worker-a', '2026-01-10', { sections: { reflection: hostile } }));
    await records.create('cancellations', cancellation('c-1', 'worker-a', '2026-02-01'));
    await records.create('sessionRecords', session('s-other', 'worker-b', '2026-01-10'));
    await records.create('sessionRecords', session('s-as-supervisor', 'worker-c', '2026-01-11', { supervisorId: 'worker-a' }));
    const audit = new MemoryAuditLog();
    const result = await exportSubjectAccess(records, 'worker-a', { actorId: 'dpo-1', at: new Date('2026-03-01T10:00:00Z'), audit });

    const doc = JSON.parse(result.json) as { records: { id: string; record: { sections?: Record<string, string> } }[] };
    expect(doc.records.map((r) => r.id).sort()).toEqual(['c-1', 's-1', 's-as-supervisor', 'staff-worker-a']);
    expect(doc.records.find((r) => r.id === 's-1')!.record.sections!.reflection).toBe(hostile);
    expect(result.count).toBe(4);
    expect(audit.entries().map((e) => e.recordId).sort()).toEqual(['c-1', 's-1', 's-as-supervisor', 'staff-worker-a']);
    expect(audit.entries().every((e) => e.action === 'export' && e.actorId === 'dpo-1' && e.purpose === 'subject-access')).toBe(true);
  });

  it('renders record text as text: no tag, attribute or script from the record survives into the HTML', async () => {
    const records = new RecordsRepository(new MemoryListPort());
    await records.create('sessionRecords', session('s-1', 'worker-a', '2026-01-10', { sections: { reflection: hostile }, agenda: 'line one\nline two' }));
    const { html } = await exportSubjectAccess(records, 'worker-a', { actorId: 'dpo-1', at: new Date('2026-03-01T10:00:00Z'), audit: new MemoryAuditLog() });
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=&#39;y&#39;&gt; &amp; &#96;z&#96;');
    expect(html).toContain("default-src 'none'");
    expect(html).toContain('line one\nline two');
  });

  it('escapes every HTML-significant character', () => {
    expect(escapeHtml(`&<>"'\``)).toBe('&amp;&lt;&gt;&quot;&#39;&#96;');
  });
});
