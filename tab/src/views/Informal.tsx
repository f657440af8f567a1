/**
 * Informal supervision that changed a plan (with case references and the case-direction
 * deadline) and group supervision attendance; both count in compliance.
 */
import { Button, Checkbox, Dropdown, Field, Input, MessageBar, MessageBarBody, Option, Select, Text, Textarea } from '@fluentui/react-components';
import { useState } from 'react';
import type { PolicySummary, RecordView, Team } from '../../../src/server/api/schemas.js';
import { api, type ApiError } from '../api.js';
import { ErrorMessage, Loading, PageHeading, formatInstant, today, useStyles as useShared } from '../components.js';
import { useResource } from '../useResource.js';

interface CaseInput {
  ref: string;
  category: string;
  urgent: boolean;
}

function InformalForm({ team }: { team: Team }) {
  const shared = useShared();
  const [superviseeId, setSuperviseeId] = useState('');
  const [date, setDate] = useState(today());
  const [time, setTime] = useState('');
  const [summary, setSummary] = useState('');
  const [planChanged, setPlanChanged] = useState(true);
  const [cases, setCases] = useState<CaseInput[]>([]);
  const [error, setError] = useState<ApiError>();
  const [result, setResult] = useState<RecordView>();
  const policy = useResource<PolicySummary>('/policy');
  const categories = policy.data?.caseCategories ?? [];
  const defaultCategory = categories[0]?.id ?? '';
  const submit = async () => {
    setError(undefined);
    try {
      setResult(
        await api.post<RecordView>(`/supervisees/${encodeURIComponent(superviseeId)}/informal`, {
          date,
          ...(time ? { time } : {}),
          summary,
          planChanged,
          cases: cases.map((c) => ({ ref: c.ref.trim(), category: c.category, ...(c.urgent ? { urgent: true } : {}) })),
        }),
      );
    } catch (e) {
      setError(e as ApiError);
    }
  };
  const member = team.members.find((m) => m.person.id === superviseeId);
  const fieldError = (name: string) => (error?.field === name || error?.field?.startsWith(`${name}[`) ? error.message : undefined);
  return (
    <form className={shared.section} aria-labelledby="informal-heading" onSubmit={(e) => { e.preventDefault(); void submit(); }}>
      <h2 id="informal-heading">Informal supervision</h2>
      <Text className={shared.muted}>
        {policy.data?.informalSupervision ?? 'A conversation between sessions that changed a plan for a child.'} Case direction is recorded in {policy.data?.caseDirection.system ?? 'the case system'}
        {policy.data?.caseDirection.within ? ` within ${policy.data.caseDirection.within}` : ''}.
      </Text>
      <Field label="Supervisee" required>
        <Dropdown placeholder="Choose" value={member?.person.displayName ?? ''} selectedOptions={superviseeId ? [superviseeId] : []} onOptionSelect={(_e, d) => setSuperviseeId(d.optionValue ?? '')}>
          {team.members.map((m) => (
            <Option key={m.person.id} value={m.person.id}>
              {m.person.displayName}
            </Option>
          ))}
        </Dropdown>
      </Field>
      <div className={shared.row}>
        <Field label="Date" required validationMessage={fieldError('date')}>
          <Input type="date" value={date} max={today()} onChange={(_e, d) => setDate(d.value)} />
        </Field>
        <Field label="Time">
          <Input type="time" value={time} onChange={(_e, d) => setTime(d.value)} />
        </Field>
      </div>
      <Field label="What was discussed and what changed" required validationMessage={fieldError('summary')}>
        <Textarea value={summary} onChange={(_e, d) => setSummary(d.value)} />
      </Field>
      <Checkbox checked={planChanged} onChange={(_e, d) => setPlanChanged(Boolean(d.checked))} label="It changed a plan" />
      {cases.map((c, i) => (
        <div key={i} className={shared.row} role="group" aria-label={`Case ${i + 1}`}>
          <Field label={`Case ${i + 1} reference`} required validationMessage={fieldError(`cases[${i}].ref`) ?? fieldError(`cases[${i}].category`)}>
            <Input value={c.ref} onChange={(_e, d) => setCases((x) => x.map((y, j) => (j === i ? { ...y, ref: d.value } : y)))} />
          </Field>
          <Field label="Category">
            <Select value={c.category} onChange={(_e, d) => setCases((x) => x.map((y, j) => (j === i ? { ...y, category: d.value } : y)))}>
              {categories.map((k) => (
                <option key={k.id} value={k.id}>
                  {k.label}
                </option>
              ))}
            </Select>
          </Field>
          <Checkbox checked={c.urgent} onChange={(_e, d) => setCases((x) => x.map((y, j) => (j === i ? { ...y, urgent: Boolean(d.checked) } : y)))} label="Urgent" />
          <Button onClick={() => setCases((x) => x.filter((_y, j) => j !== i))} aria-label={`Remove case ${i + 1}`}>
            Remove
          </Button>
        </div>
      ))}
      <div className={shared.row}>
        <Button onClick={() => setCases((x) => [...x, { ref: '', category: defaultCategory, urgent: false }])}>Add case</Button>
        <Button appearance="primary" type="submit" disabled={!superviseeId}>
          Record informal supervision
        </Button>
      </div>
      <ErrorMessage error={error && !error.field?.match(/^(date|summary|cases)/) ? error : undefined} title="Not recorded" />
      {result ? (
        <MessageBar intent="success" role="status">
          <MessageBarBody>
            Recorded for {result.supervisee.displayName}.{' '}
            {result.caseDirection.deadlines.map((d) => (d.due ? `Record the direction for ${d.ref} in ${result.caseDirection.system} by ${formatInstant(d.due)}. ` : ''))}
          </MessageBarBody>
        </MessageBar>
      ) : null}
    </form>
  );
}

function GroupForm({ team }: { team: Team }) {
  const shared = useShared();
  const [date, setDate] = useState(today());
  const [time, setTime] = useState('');
  const [attendees, setAttendees] = useState<string[]>([]);
  const [notes, setNotes] = useState('');
  const [error, setError] = useState<ApiError>();
  const [done, setDone] = useState<number>();
  const submit = async () => {
    setError(undefined);
    try {
      const res = await api.post<{ records: unknown[] }>('/group-sessions', { date, ...(time ? { time } : {}), attendees, notes });
      setDone(res.records.length);
    } catch (e) {
      setError(e as ApiError);
    }
  };
  return (
    <form className={shared.section} aria-labelledby="group-heading" onSubmit={(e) => { e.preventDefault(); void submit(); }}>
      <h2 id="group-heading">Group supervision</h2>
      <div className={shared.row}>
        <Field label="Date" required>
          <Input type="date" value={date} max={today()} onChange={(_e, d) => setDate(d.value)} />
        </Field>
        <Field label="Time">
          <Input type="time" value={time} onChange={(_e, d) => setTime(d.value)} />
        </Field>
      </div>
      <fieldset className={shared.card}>
        <legend>Who attended</legend>
        {team.members.map((m) => (
          <Checkbox
            key={m.person.id}
            label={m.person.displayName}
            checked={attendees.includes(m.person.id)}
            onChange={(_e, d) => setAttendees((x) => (d.checked ? [...x, m.person.id] : x.filter((y) => y !== m.person.id)))}
          />
        ))}
      </fieldset>
      <Field label="Notes (no names of children or families)">
        <Textarea value={notes} onChange={(_e, d) => setNotes(d.value)} />
      </Field>
      <div>
        <Button appearance="primary" type="submit" disabled={attendees.length === 0}>
          Record group supervision
        </Button>
      </div>
      <ErrorMessage error={error} title="Not recorded" />
      {done !== undefined ? (
        <MessageBar intent="success" role="status">
          <MessageBarBody>Attendance recorded for {done} people.</MessageBarBody>
        </MessageBar>
      ) : null}
    </form>
  );
}

export default function Informal() {
  const shared = useShared();
  const team = useResource<Team>('/team');
  return (
    <div className={shared.page}>
      <PageHeading title="Informal and group supervision" />
      <ErrorMessage error={team.error} />
      {team.data ? (
        <>
          <InformalForm team={team.data} />
          <GroupForm team={team.data} />
        </>
      ) : (
        <Loading />
      )}
    </div>
  );
}
