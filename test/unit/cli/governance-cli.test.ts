/**
 * `supervision retention` and `supervision subject-access` through the real binary, against
 * the embedded Graph-compatible service (as with `npm start`), sharing a data directory whose
 * audit log they write to.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSiteId } from '../../../src/demo/organisation.js';
import { openGovernanceStore } from '../../../src/governance/store.js';
import { createGraphClient, localDevAuth } from '../../../src/graph/index.js';
import { startLocalGraphServer, type RunningLocalGraph } from '../../../src/local-graph/index.js';
import type { SessionRecord, Staff } from '../../../src/records/models.js';
import { RecordsRepository } from '../../../src/records/repository.js';
import { GraphListPort } from '../../../src/server/graph-services.js';

const run = promisify(execFile);
const bin = join(import.meta.dirname, '..', '..', '..', 'bin', 'supervision.js');
const dir = mkdtempSync(join(tmpdir(), 'governance-cli-'));
const dataDir = join(dir, 'data');

let graph: RunningLocalGraph;
let records: RecordsRepository;

const manager = 'a0000000-0000-4000-8000-000000000001';
const leaver = 'a0000000-0000-4000-8000-000000000002';
const stayer = 'a0000000-0000-4000-8000-000000000003';

function staff(userId: string, leftAt?: string): Staff {
  return { id: `staff-${userId}`, userId, org: 'birmingham', role: 'social-worker', team: 'Assessment', start: '2012-01-09', supervisorId: manager, ...(leftAt ? { leftAt } : {}) };
}

function session(id: string, superviseeId: string, sessionDate: string, text = 'Talked about workload.'): SessionRecord {
  return {
    id,
    superviseeId,
    supervisorId: manager,
    org: 'birmingham',
    templateId: 'standard',
    kind: 'individual',
    sessionDate,
    sections: { wellbeing: text },
    cases: [],
    actions: [],
    status: 'finalised',
    updatedAt: `${sessionDate}T12:00:00Z`,
  };
}

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args, '--org', 'birmingham', '--graph-url', graph.url], { cwd: dir, env: { ...process.env, SUPERVISION_DATA_DIR: dataDir, TENANT_ID: '' } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code: number; stdout: string; stderr: string };
    return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
  }
}

function auditEntries() {
  const store = openGovernanceStore(join(dataDir, 'governance.sqlite'));
  try {
    return store.audit.entries();
  } finally {
    store.close();
  }
}

beforeAll(async () => {
  graph = await startLocalGraphServer({ dataDir: join(dir, 'graph') });
  graph.graph.ensureSite({ id: demoSiteId, displayName: 'Supervision' });
  graph.graph.upsertUser({ id: manager, displayName: 'Wendeline Marsh', userPrincipalName: 'wendeline.marsh@wrenfield.example', mail: 'wendeline.marsh@wrenfield.example', jobTitle: 'Team Manager' });
  graph.graph.upsertUser({ id: stayer, displayName: 'Tobiah Fenn', userPrincipalName: 'tobiah.fenn@wrenfield.example', mail: 'tobiah.fenn@wrenfield.example', managerId: manager });
  records = new RecordsRepository(new GraphListPort(createGraphClient({ baseUrl: graph.url, auth: localDevAuth('governance-cli-test') }), demoSiteId));
  // The leaver has gone from the directory; their staff record still names their supervisor.
  await records.create('staff', staff(leaver, '2018-03-31'));
  await records.create('staff', staff(stayer));
  await records.create('sessionRecords', session('rec-leaver-old', leaver, '2018-01-10'));
  await records.create('sessionRecords', session('rec-stayer-old', stayer, '2012-02-01', '<script>alert("x")</script> & <b>bold</b>'));
}, 60_000);

afterAll(async () => {
  await graph?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('supervision retention (Birmingham: six years after the worker leaves)', () => {
  it('--dry-run lists what is past retention and deletes nothing', async () => {
    const { code, stdout } = await cli('retention', '--dry-run', '--as-of', '2024-04-01', '--json');
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as { dryRun: boolean; deleted: number; due: { list: string; id: string; keepUntil: string }[]; kept: { stillEmployed: number } };
    expect(report.dryRun).toBe(true);
    expect(report.deleted).toBe(0);
    expect(report.due.map((d) => `${d.list}/${d.id}`).sort()).toEqual(['sessionRecords/rec-leaver-old', `staff/staff-${leaver}`]);
    expect(report.due.every((d) => d.keepUntil === '2024-03-31')).toBe(true);
    expect(report.kept.stillEmployed).toBe(2);
    expect(await records.get('sessionRecords', 'rec-leaver-old')).toBeDefined();
    expect(auditEntries()).toEqual([]);
  });

  it('keeps everything the day the six years end', async () => {
    const { code, stdout } = await cli('retention', '--dry-run', '--as-of', '2024-03-31');
    expect(code).toBe(0);
    expect(stdout).toContain('0 record(s) past retention');
    expect(stdout).toContain('Dry run: nothing deleted.');
  });

  it('--apply deletes exactly the report through the records repository and audits each deletion', async () => {
    const { code, stdout } = await cli('retention', '--apply', '--as-of', '2024-04-01');
    expect(code).toBe(0);
    expect(stdout).toContain('Deleted 2');
    expect(await records.get('sessionRecords', 'rec-leaver-old')).toBeUndefined();
    expect(await records.get('staff', `staff-${leaver}`)).toBeUndefined();
    expect(await records.get('sessionRecords', 'rec-stayer-old')).toBeDefined();
    expect(
      auditEntries()
        .map((e) => [e.action, e.recordId, e.purpose, e.actorId])
        .sort(),
    ).toEqual([
      ['delete', 'rec-leaver-old', 'retention', 'supervision-cli'],
      ['delete', `staff-${leaver}`, 'retention', 'supervision-cli'],
    ]);
  });

  it('needs exactly one of --dry-run and --apply', async () => {
    const neither = await cli('retention', '--as-of', '2024-04-01');
    expect(neither.code).toBe(2);
    expect(neither.stderr).toMatch(/--dry-run: give exactly one/);
    const both = await cli('retention', '--dry-run', '--apply', '--as-of', '2024-04-01');
    expect(both.code).toBe(2);
    const badDate = await cli('retention', '--dry-run', '--as-of', '1 April');
    expect(badDate.code).toBe(2);
    expect(badDate.stderr).toMatch(/--as-of/);
  });
});

describe('supervision subject-access', () => {
  it('writes every record about the person as JSON, found by their sign-in name', async () => {
    const { code, stdout } = await cli('subject-access', '--person', 'tobiah.fenn@wrenfield.example', '--format', 'json', '--out', 'export.json');
    expect(code).toBe(0);
    expect(stdout).toContain('to export.json (json)');
    const doc = JSON.parse(readFileSync(join(dir, 'export.json'), 'utf8')) as { subjectId: string; records: { list: string; id: string }[] };
    expect(doc.subjectId).toBe(stayer);
    expect(doc.records.map((r) => `${r.list}/${r.id}`).sort()).toEqual(['sessionRecords/rec-stayer-old', `staff/staff-${stayer}`]);
    // Record text goes to the file, never to the terminal.
    expect(stdout).not.toContain('script');
  });

  it('writes a readable HTML page in which record text stays text', async () => {
    const { code } = await cli('subject-access', '--person', 'tobiah.fenn@wrenfield.example', '--format', 'html', '--out', 'export.html');
    expect(code).toBe(0);
    const html = readFileSync(join(dir, 'export.html'), 'utf8');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;');
    expect(html).not.toMatch(/<script|<b>/);
    expect(auditEntries().filter((e) => e.action === 'export' && e.recordId === 'rec-stayer-old')).toHaveLength(2);
  });

  it('names the option at fault', async () => {
    const format = await cli('subject-access', '--person', 'tobiah.fenn@wrenfield.example', '--format', 'pdf', '--out', 'x.pdf');
    expect(format.code).toBe(2);
    expect(format.stderr).toMatch(/--format/);
    const nobody = await cli('subject-access', '--person', 'nobody@wrenfield.example', '--format', 'json', '--out', 'x.json');
    expect(nobody.code).toBe(2);
    expect(nobody.stderr).toMatch(/--person/);
  });
});
