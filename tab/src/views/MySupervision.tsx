/**
 * My supervision (supervisee): the next session, the preparation form, records to
 * acknowledge and my actions.
 */
import { Button, Checkbox, Dropdown, Field, Input, Link, MessageBar, MessageBarBody, Option, Radio, RadioGroup, Text, Textarea } from '@fluentui/react-components';
import { useEffect, useState } from 'react';
import type { MySupervision as Mine, PrepView } from '../../../src/server/api/schemas.js';
import { api, type ApiError } from '../api.js';
import { ErrorMessage, Loading, PageHeading, SourceNote, formatDate, useStyles as useShared } from '../components.js';
import { href } from '../routing.js';
import { useSession } from '../session.js';
import { useResource } from '../useResource.js';

type Question = PrepView['questions'][number];

function Answer({ q, value, onChange, label }: { q: Question; value: string; onChange: (v: string) => void; label?: string }) {
  const text = label ?? q.label;
  const control =
    q.type === 'yes-no' ? (
      <RadioGroup layout="horizontal" value={value} onChange={(_e, d) => onChange(d.value)}>
        <Radio value="yes" label="Yes" />
        <Radio value="no" label="No" />
      </RadioGroup>
    ) : q.type === 'choice' ? (
      <Dropdown value={value} selectedOptions={value ? [value] : []} onOptionSelect={(_e, d) => onChange(d.optionValue ?? '')}>
        {(q.choices ?? []).map((c) => (
          <Option key={c} value={c}>
            {c}
          </Option>
        ))}
      </Dropdown>
    ) : q.type === 'date' ? (
      <Input type="date" value={value} onChange={(_e, d) => onChange(d.value)} />
    ) : q.type === 'text' ? (
      <Input value={value} onChange={(_e, d) => onChange(d.value)} />
    ) : (
      <Textarea value={value} resize="vertical" onChange={(_e, d) => onChange(d.value)} />
    );
  return (
    <Field label={text} required={q.required} hint={<SourceNote source={q.source} />}>
      {control}
    </Field>
  );
}

function PrepForm({ me, sessionDate }: { me: string; sessionDate: string }) {
  const shared = useShared();
  const prep = useResource<PrepView>(`/supervisees/${encodeURIComponent(me)}/prep?sessionDate=${sessionDate}`);
  const [answers, setAnswers] = useState<Record<string, string>>({});
  const [cases, setCases] = useState<Record<string, Record<string, string>>>({});
  const [error, setError] = useState<ApiError>();
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    const record = prep.data?.response?.record;
    setAnswers(record?.answers ?? {});
    setCases(Object.fromEntries((record?.perCase ?? []).map((c) => [c.ref, c.answers])));
  }, [prep.data]);
  if (prep.error) return <ErrorMessage error={prep.error} />;
  if (!prep.data) return <Loading label="Loading the preparation form" />;
  const view = prep.data;
  const submit = async () => {
    setError(undefined);
    try {
      const next = await api.put<PrepView>(`/supervisees/${encodeURIComponent(me)}/prep`, {
        sessionDate,
        ...(view.eventId ? { eventId: view.eventId } : {}),
        answers,
        perCase: Object.entries(cases).map(([ref, a]) => ({ ref, answers: a })),
        ...(view.response ? { version: view.response.version } : {}),
      });
      prep.setData(next);
      setSaved(true);
    } catch (e) {
      setError(e as ApiError);
    }
  };
  return (
    <form className={shared.section} aria-label="Preparation" onSubmit={(e) => { e.preventDefault(); void submit(); }}>
      {view.questions.map((q) => (
        <Answer key={q.id} q={q} value={answers[q.id] ?? ''} onChange={(v) => setAnswers((a) => ({ ...a, [q.id]: v }))} />
      ))}
      {view.perCase.length > 0 && view.caseload.length > 0 ? (
        <fieldset className={shared.card}>
          <legend>Children to bring (case references only)</legend>
          {view.caseload.map((c) => (
            <div key={c.ref} className={shared.section}>
              <Checkbox
                checked={c.ref in cases}
                label={`Bring ${c.ref}`}
                onChange={(_e, d) =>
                  setCases((x) => {
                    const next = { ...x };
                    if (d.checked) next[c.ref] = next[c.ref] ?? {};
                    else delete next[c.ref];
                    return next;
                  })
                }
              />
              {c.ref in cases
                ? view.perCase.map((q) => (
                    <Answer key={q.id} q={q} label={`${q.label} (${c.ref})`} value={cases[c.ref]?.[q.id] ?? ''} onChange={(v) => setCases((x) => ({ ...x, [c.ref]: { ...x[c.ref], [q.id]: v } }))} />
                  ))
                : null}
            </div>
          ))}
        </fieldset>
      ) : null}
      <ErrorMessage error={error} title="Not saved" />
      {saved ? (
        <MessageBar intent="success" role="status">
          <MessageBarBody>Your preparation is saved; your supervisor sees it in the agenda.</MessageBarBody>
        </MessageBar>
      ) : null}
      <div>
        <Button appearance="primary" type="submit">
          Save preparation
        </Button>
      </div>
    </form>
  );
}

export default function MySupervision() {
  const shared = useShared();
  const { me, refresh } = useSession();
  const mine = useResource<Mine>('/my-supervision');
  const [error, setError] = useState<ApiError>();
  if (mine.error) return <ErrorMessage error={mine.error} />;
  if (!mine.data) return <Loading label="Loading your supervision" />;
  const data = mine.data;
  if (!data.supervised) return <Text>You are not supervised through this app.</Text>;

  const toggle = async (id: string, done: boolean) => {
    try {
      await api.post(`/actions/${encodeURIComponent(id)}/done`, { done });
      await mine.reload();
      refresh();
    } catch (e) {
      setError(e as ApiError);
    }
  };
  const prepDate = data.nextSession?.date;

  return (
    <div className={shared.page}>
      <PageHeading title="My supervision">
        {data.roleLabel} · supervised by {data.supervisor?.displayName} · {data.cadence}
      </PageHeading>
      <section className={shared.card} aria-labelledby="next-heading">
        <h2 id="next-heading">Next session</h2>
        {data.nextSession ? (
          <Text>
            {formatDate(data.nextSession.date)}
            {data.nextSession.time ? ` at ${data.nextSession.time}` : ''} with {data.supervisor?.displayName}. {data.prepSubmitted ? 'You have prepared for it.' : 'Prepare below.'}
          </Text>
        ) : (
          <Text>No session booked yet{data.nextDue ? `; one is due by ${formatDate(data.nextDue)}` : ''}.</Text>
        )}
      </section>
      {data.agreement?.awaitingMe ? (
        <MessageBar intent="warning">
          <MessageBarBody>
            Your supervision agreement is waiting for your signature. <Link href={href('agreement', me.id)}>Open the agreement</Link>
          </MessageBarBody>
        </MessageBar>
      ) : null}
      <section className={shared.section} aria-labelledby="ack-heading">
        <h2 id="ack-heading">Records to acknowledge</h2>
        {data.toAcknowledge.length === 0 ? <Text>Nothing to acknowledge.</Text> : null}
        <ul>
          {data.toAcknowledge.map((r) => (
            <li key={r.id}>
              <Link href={href('record', r.id)}>
                {r.kind === 'individual' ? 'Supervision' : r.kind} on {formatDate(r.sessionDate)}
              </Link>
            </li>
          ))}
        </ul>
      </section>
      <section className={shared.section} aria-labelledby="actions-heading">
        <h2 id="actions-heading">My actions</h2>
        <ErrorMessage error={error} />
        {data.actions.length === 0 ? <Text>No open actions.</Text> : null}
        {data.actions.map((a) => (
          <Checkbox key={a.id} checked={Boolean(a.doneAt)} onChange={(_e, d) => void toggle(a.id, Boolean(d.checked))} label={`${a.what} — ${a.who}, by ${formatDate(a.due)}${a.overdue ? ' (overdue)' : ''}`} />
        ))}
      </section>
      <section className={shared.section} aria-labelledby="prep-heading">
        <h2 id="prep-heading">Prepare{prepDate ? ` for ${formatDate(prepDate)}` : ''}</h2>
        {prepDate ? <PrepForm me={me.id} sessionDate={prepDate} /> : <Text>Preparation opens when your next session is booked.</Text>}
      </section>
      {data.records.length > 0 ? (
        <section className={shared.section} aria-labelledby="records-heading">
          <h2 id="records-heading">My records</h2>
          <ul>
            {data.records.map((r) => (
              <li key={r.id}>
                <Link href={href('record', r.id)}>
                  {formatDate(r.sessionDate)} — {r.kind}, {r.status}
                </Link>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}
