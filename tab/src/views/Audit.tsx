/**
 * Audit of supervision records, for service managers: the pack's audit rhythm, a random sample
 * of finished records for the current period (the supervisees told first where the policy says
 * so), each record marked reviewed, and the log of who else has read or changed records.
 */
import { Badge, Button, Checkbox, Field, Input, Link, MessageBar, MessageBarBody, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow, Text } from '@fluentui/react-components';
import { useState } from 'react';
import type { AuditLogView, AuditOverview, AuditSampleView } from '../../../src/server/api/schemas.js';
import { api, ApiError } from '../api.js';
import { ErrorMessage, Loading, PageHeading, SourceNote, formatDate, formatInstant, useStyles as useShared } from '../components.js';
import { href } from '../routing.js';
import { useResource } from '../useResource.js';

const toldText: Record<AuditSampleView['items'][number]['told'], string> = { sent: 'Told', pending: 'Not yet told', 'not-required': 'Not required' };
const actionText: Record<AuditLogView['entries'][number]['action'], string> = { read: 'Read', write: 'Changed', delete: 'Deleted', export: 'Exported', sample: 'Sampled', review: 'Reviewed' };

/** The last day of a period given as [from, to): people read "1 Jan to 31 Dec". */
function lastDay(to: string): string {
  return new Date(Date.parse(`${to}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
}

function months(n: number): string {
  if (n === 12) return 'once a year';
  if (n === 6) return 'twice a year';
  if (n === 3) return 'every quarter';
  return `every ${n} months`;
}

function Sample({ sample, onChange, onStale }: { sample: AuditSampleView; onChange: (next: AuditSampleView) => void; onStale: () => void }) {
  const shared = useShared();
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState<string>();
  const reviewed = sample.items.filter((i) => i.reviewedAt).length;
  const pending = sample.items.some((i) => i.told === 'pending');

  const review = async (recordId: string, value: boolean) => {
    setBusy(recordId);
    setError(undefined);
    try {
      onChange(await api.post<AuditSampleView>(`/audit-samples/${encodeURIComponent(sample.id)}/records/${encodeURIComponent(recordId)}/review`, { version: sample.version, reviewed: value }));
    } catch (e) {
      setError(e instanceof ApiError ? e : undefined);
      // Another service manager reviewed meanwhile: show their marks, then the person can redo theirs.
      if (e instanceof ApiError && e.conflict) onStale();
    } finally {
      setBusy(undefined);
    }
  };

  const notify = async () => {
    setError(undefined);
    try {
      onChange(await api.post<AuditSampleView>(`/audit-samples/${encodeURIComponent(sample.id)}/notify`));
    } catch (e) {
      setError(e instanceof ApiError ? e : undefined);
    }
  };

  const headingId = `sample-${sample.id}`;
  return (
    <section className={shared.card} aria-labelledby={headingId}>
      <h2 id={headingId} style={{ margin: 0 }}>
        Sample for {formatDate(sample.period.from)} to {formatDate(lastDay(sample.period.to))}
      </h2>
      <Text>
        Drawn {formatInstant(sample.drawnAt)} (seed {sample.seed}). {reviewed} of {sample.items.length} reviewed.
      </Text>
      {error ? (
        <ErrorMessage error={error} title={error.conflict ? 'Someone else changed this sample; it has been reloaded' : 'Could not save'} />
      ) : null}
      {pending ? (
        <MessageBar intent="warning">
          <MessageBarBody>
            Some supervisees have not been told yet: the bot cannot reach them until they open a chat with it. Tell them before reviewing their record.{' '}
            <Button size="small" onClick={() => void notify()}>
              Try telling them again
            </Button>
          </MessageBarBody>
        </MessageBar>
      ) : null}
      {sample.items.length === 0 ? <Text>No finished records in this period to sample.</Text> : null}
      {sample.items.length > 0 ? (
        <Table aria-label={`Records sampled for ${sample.period.from} to ${sample.period.to}`} size="small">
          <TableHeader>
            <TableRow>
              <TableHeaderCell>Session</TableHeaderCell>
              <TableHeaderCell>Supervisee</TableHeaderCell>
              <TableHeaderCell>Supervisor</TableHeaderCell>
              {sample.notifySupervisee ? <TableHeaderCell>Supervisee told</TableHeaderCell> : null}
              <TableHeaderCell>Reviewed</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {sample.items.map((item) => (
              <TableRow key={item.recordId}>
                <TableCell>
                  <Link href={href('record', item.recordId)}>{formatDate(item.sessionDate)}</Link>
                </TableCell>
                <TableCell>{item.supervisee.displayName}</TableCell>
                <TableCell>{item.supervisor.displayName}</TableCell>
                {sample.notifySupervisee ? (
                  <TableCell>
                    <Badge appearance="tint" color={item.told === 'sent' ? 'success' : 'warning'}>
                      {toldText[item.told]}
                    </Badge>
                  </TableCell>
                ) : null}
                <TableCell>
                  <Checkbox checked={Boolean(item.reviewedAt)} disabled={busy !== undefined} label="Reviewed" onChange={(_e, data) => void review(item.recordId, data.checked === true)} />
                  {item.reviewedAt ? <Text size={200}> {formatInstant(item.reviewedAt)}</Text> : null}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      ) : null}
    </section>
  );
}

function AccessLog() {
  const shared = useShared();
  const log = useResource<AuditLogView>('/audit-log');
  const entries = (log.data?.entries ?? []).slice(-50).reverse();
  return (
    <section className={shared.section} aria-labelledby="access-heading">
      <h2 id="access-heading">Who else has opened records</h2>
      <Text>Every read or change of a record by someone other than its supervisee and supervisor, newest first (last 50).</Text>
      <ErrorMessage error={log.error} />
      {!log.data && !log.error ? <Loading /> : null}
      {log.data && entries.length === 0 ? <Text>Nobody else has opened a record yet.</Text> : null}
      {entries.length > 0 ? (
        <Table aria-label="Record access by people other than the two parties" size="small">
          <TableHeader>
            <TableRow>
              <TableHeaderCell>When</TableHeaderCell>
              <TableHeaderCell>Who (user id)</TableHeaderCell>
              <TableHeaderCell>What</TableHeaderCell>
              <TableHeaderCell>Record</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {entries.map((e, i) => (
              <TableRow key={`${e.at}-${e.recordId}-${i}`}>
                <TableCell>{formatInstant(e.at)}</TableCell>
                <TableCell>{e.actorId}</TableCell>
                <TableCell>
                  {actionText[e.action]} ({e.list})
                </TableCell>
                <TableCell>{e.recordId}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      ) : null}
    </section>
  );
}

export default function Audit() {
  const shared = useShared();
  const overview = useResource<AuditOverview>('/audit-samples');
  const [size, setSize] = useState('10');
  const [drawError, setDrawError] = useState<ApiError>();
  const [drawing, setDrawing] = useState(false);

  if (overview.error) return <ErrorMessage error={overview.error} />;
  if (!overview.data) return <Loading />;
  const { rhythm, currentPeriod, samples } = overview.data;
  const current = currentPeriod ? samples.find((s) => s.period.from === currentPeriod.from) : undefined;

  const replace = (next: AuditSampleView) => overview.setData({ ...overview.data!, samples: samples.map((s) => (s.id === next.id ? next : s)) });

  const draw = async () => {
    setDrawing(true);
    setDrawError(undefined);
    try {
      const drawn = await api.post<AuditSampleView>('/audit-samples', { size: Number(size) });
      overview.setData({ ...overview.data!, samples: [drawn, ...samples] });
    } catch (e) {
      setDrawError(e instanceof ApiError ? e : undefined);
    } finally {
      setDrawing(false);
    }
  };

  return (
    <div className={shared.page}>
      <PageHeading title="Audit of supervision records">
        {rhythm ? `${rhythm.label}: ${months(rhythm.months)}.` : "Your organisation's policy sets no audit of supervision records."}
      </PageHeading>
      {rhythm ? (
        <div>
          <SourceNote source={rhythm.source} />
        </div>
      ) : null}
      {rhythm?.notifySuperviseeBeforehand ? <Text>The policy says each supervisee is told before their record is audited: drawing a sample tells them through the bot.</Text> : null}
      {rhythm && currentPeriod && !current ? (
        <section className={shared.card} aria-labelledby="draw-heading">
          <h2 id="draw-heading" style={{ margin: 0 }}>
            Draw the sample for {formatDate(currentPeriod.from)} to {formatDate(lastDay(currentPeriod.to))}
          </h2>
          <Text>Records are chosen at random from the finished session records of the period.</Text>
          <div className={shared.row}>
            <Field label="How many records" validationMessage={drawError?.field === 'size' ? drawError.message : undefined}>
              <Input type="number" min={1} max={100} value={size} onChange={(_e, d) => setSize(d.value)} />
            </Field>
            <Button appearance="primary" disabled={drawing} onClick={() => void draw()}>
              Draw a sample
            </Button>
          </div>
          {drawError && drawError.field !== 'size' ? <ErrorMessage error={drawError} title="Could not draw a sample" /> : null}
        </section>
      ) : null}
      {samples.map((s) => (
        <Sample key={s.id} sample={s} onChange={replace} onStale={() => void overview.reload()} />
      ))}
      <AccessLog />
    </div>
  );
}
