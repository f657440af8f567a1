/**
 * Supervisor absence and cover, for line and service managers (shown within Compliance): the
 * supervisees of absent supervisors, whether the pack says cover is needed and by when, and a
 * temporary supervisor assigned, or ended, per supervisee. Leave can be recorded here too, so
 * an absence Outlook cannot date (automatic replies always on) still counts.
 */
import { Button, Field, Input, Link, MessageBar, MessageBarBody, Select, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow, Text, makeStyles, tokens } from '@fluentui/react-components';
import { useState } from 'react';
import type { CoverOverview, PersonView } from '../../../src/server/api/schemas.js';
import { api, type ApiError } from '../api.js';
import { ErrorMessage, Loading, SourceNote, formatDate, today, useStyles as useShared } from '../components.js';
import { href } from '../routing.js';
import { useResource } from '../useResource.js';

type Row = CoverOverview['supervisees'][number];

const useStyles = makeStyles({
  // Text rather than a badge: the date must wrap in a narrow column and keep its contrast.
  needed: { color: tokens.colorPaletteRedForeground1, fontWeight: tokens.fontWeightSemibold },
});

const sourceWords: Record<string, string> = { 'recorded-leave': 'recorded leave', 'automatic-replies': 'Outlook automatic replies' };

function awayText(row: Row): string {
  if (!row.absence) return row.automaticReplies === 'alwaysEnabled' ? 'Automatic replies on with no dates: record the leave so it counts' : '—';
  const until = row.absence.to ? ` to ${formatDate(row.absence.to)}` : ', return not known';
  return `From ${formatDate(row.absence.from)}${until} (${row.absence.sources.map((s) => sourceWords[s] ?? s).join(', ')})`;
}

function CoverState({ row }: { row: Row }) {
  const styles = useStyles();
  if (row.cover) {
    const until = row.cover.to ? ` until ${formatDate(row.cover.to)}` : '';
    const from = row.cover.from && !row.cover.inForce ? ` from ${formatDate(row.cover.from)}` : '';
    return <Text>{`${row.cover.supervisor.displayName}${from}${until}`}</Text>;
  }
  if (row.coverNeeded) return <Text className={styles.needed}>{`Cover needed${row.due ? ` by ${formatDate(row.due)}` : ''}`}</Text>;
  return <Text>Not needed yet</Text>;
}

function AssignCover({ row, candidates, onDone }: { row: Row; candidates: PersonView[]; onDone: (message: string) => void }) {
  const shared = useShared();
  const choices = candidates.filter((c) => c.id !== row.person.id && c.id !== row.supervisor.id);
  const [coverId, setCoverId] = useState(choices[0]?.id ?? '');
  const [until, setUntil] = useState(row.absence?.to ?? '');
  const [error, setError] = useState<ApiError>();
  const name = row.person.displayName;
  const assign = async () => {
    setError(undefined);
    try {
      await api.post(`/supervisees/${encodeURIComponent(row.person.id)}/cover`, { coverSupervisorId: coverId, ...(until ? { to: until } : {}) });
      onDone(`${choices.find((c) => c.id === coverId)?.displayName ?? 'The temporary supervisor'} now covers ${name}'s supervision.`);
    } catch (e) {
      setError(e as ApiError);
    }
  };
  const end = async () => {
    setError(undefined);
    try {
      await api.post(`/supervisees/${encodeURIComponent(row.person.id)}/cover/end`);
      onDone(`Cover for ${name} has ended.`);
    } catch (e) {
      setError(e as ApiError);
    }
  };
  if (!row.canAssign) return <Text className={shared.muted}>Their supervisor&apos;s line manager assigns cover.</Text>;
  return (
    <div className={shared.section}>
      {row.cover ? (
        <Button onClick={() => void end()} aria-label={`End cover for ${name}`}>
          End cover
        </Button>
      ) : (
        <form className={shared.row} aria-label={`Assign cover for ${name}`} onSubmit={(e) => { e.preventDefault(); void assign(); }}>
          <Field label="Temporary supervisor" validationMessage={error?.field === 'coverSupervisorId' ? error.message : undefined}>
            <Select value={coverId} onChange={(_e, d) => setCoverId(d.value)}>
              {choices.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.displayName}
                </option>
              ))}
            </Select>
          </Field>
          <Field label="Until (optional)" validationMessage={error?.field === 'to' ? error.message : undefined}>
            <Input type="date" value={until} min={today()} onChange={(_e, d) => setUntil(d.value)} />
          </Field>
          <Button type="submit" appearance="primary" disabled={!coverId}>
            Assign cover
          </Button>
        </form>
      )}
      {error && error.field !== 'coverSupervisorId' && error.field !== 'to' ? <ErrorMessage error={error} title="Cover not changed" /> : null}
    </div>
  );
}

function RecordLeave({ supervisors, onDone }: { supervisors: PersonView[]; onDone: (message: string) => void }) {
  const shared = useShared();
  const [supervisorId, setSupervisorId] = useState(supervisors[0]?.id ?? '');
  const [from, setFrom] = useState(today());
  const [to, setTo] = useState('');
  const [error, setError] = useState<ApiError>();
  const submit = async () => {
    setError(undefined);
    try {
      await api.post(`/supervisors/${encodeURIComponent(supervisorId)}/leave`, { from, ...(to ? { to } : {}) });
      onDone(`Leave recorded for ${supervisors.find((s) => s.id === supervisorId)?.displayName ?? 'the supervisor'}.`);
    } catch (e) {
      setError(e as ApiError);
    }
  };
  const fieldError = (name: string) => (error?.field === name ? error.message : undefined);
  return (
    <form className={shared.section} aria-labelledby="leave-heading" onSubmit={(e) => { e.preventDefault(); void submit(); }}>
      <h3 id="leave-heading">Record a supervisor&apos;s leave</h3>
      <div className={shared.row}>
        <Field label="Supervisor" required>
          <Select value={supervisorId} onChange={(_e, d) => setSupervisorId(d.value)}>
            {supervisors.map((s) => (
              <option key={s.id} value={s.id}>
                {s.displayName}
              </option>
            ))}
          </Select>
        </Field>
        <Field label="First day away" required validationMessage={fieldError('from')}>
          <Input type="date" value={from} required onChange={(_e, d) => setFrom(d.value)} />
        </Field>
        <Field label="Last day away (leave empty if not known)" validationMessage={fieldError('to')}>
          <Input type="date" value={to} min={from} onChange={(_e, d) => setTo(d.value)} />
        </Field>
        <Button type="submit" disabled={!supervisorId || !from}>
          Record leave
        </Button>
      </div>
      {error && !fieldError('from') && !fieldError('to') ? <ErrorMessage error={error} title="Leave not recorded" /> : null}
    </form>
  );
}

export default function Cover() {
  const shared = useShared();
  const data = useResource<CoverOverview>('/cover');
  const [message, setMessage] = useState('');
  const done = (text: string) => {
    setMessage(text);
    void data.reload();
  };
  const c = data.data;
  const supervisors = c ? [...new Map([...c.candidates, ...c.supervisees.map((r) => r.supervisor)].map((p) => [p.id, p])).values()] : [];
  return (
    <section className={shared.section} aria-labelledby="cover-heading">
      <h2 id="cover-heading">Supervisor absence and cover</h2>
      <ErrorMessage error={data.error} />
      {!c && !data.error ? <Loading label="Checking supervisor absences" /> : null}
      {c ? (
        <>
          {c.rule ? (
            <div>
              <Text>{`Cover must be arranged when a supervisor is away longer than ${c.rule.coverAfter}.`}</Text>
              <SourceNote source={c.rule.source} />
            </div>
          ) : (
            <Text className={shared.muted}>The policy sets no limit on a supervisor&apos;s absence; cover can still be assigned.</Text>
          )}
          <div role="status" aria-live="polite">
            {message ? (
              <MessageBar intent="success">
                <MessageBarBody>{message}</MessageBarBody>
              </MessageBar>
            ) : null}
          </div>
          {c.covering.length > 0 ? (
            <div>
              <h3 id="covering-heading">Supervisees you cover</h3>
              <ul aria-labelledby="covering-heading">
                {c.covering.map((x) => (
                  <li key={x.person.id}>
                    <Link href={href('schedule', x.person.id)}>{x.person.displayName}</Link>
                    {` for ${x.supervisor.displayName}${x.inForce ? '' : x.from ? ` from ${formatDate(x.from)}` : ''}${x.to ? ` until ${formatDate(x.to)}` : ''}`}
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
          {c.supervisees.length === 0 ? (
            <Text>No supervisor you oversee is away.</Text>
          ) : (
            <Table aria-label="Supervisees of absent supervisors" size="small">
              <TableHeader>
                <TableRow>
                  <TableHeaderCell>Supervisee</TableHeaderCell>
                  <TableHeaderCell>Supervisor</TableHeaderCell>
                  <TableHeaderCell>Away</TableHeaderCell>
                  <TableHeaderCell>Cover</TableHeaderCell>
                  <TableHeaderCell>Temporary supervisor</TableHeaderCell>
                </TableRow>
              </TableHeader>
              <TableBody>
                {c.supervisees.map((row) => (
                  <TableRow key={row.person.id}>
                    <TableCell>{row.person.displayName}</TableCell>
                    <TableCell>{row.supervisor.displayName}</TableCell>
                    <TableCell>{awayText(row)}</TableCell>
                    <TableCell>
                      <CoverState row={row} />
                    </TableCell>
                    <TableCell>
                      <AssignCover row={row} candidates={c.candidates} onDone={done} />
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
          {supervisors.length > 0 ? <RecordLeave supervisors={supervisors} onDone={done} /> : null}
        </>
      ) : null}
    </section>
  );
}
