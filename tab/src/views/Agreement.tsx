/**
 * The supervision agreement: the organisation's template as a form, the agreed frequency and
 * session length (never looser than the policy), its deadline, and both signatures — the
 * supervisor first, then the supervisee — with the review date set from the pack.
 */
import { Badge, Button, Dropdown, Field, Input, MessageBar, MessageBarBody, MessageBarTitle, Option, Text } from '@fluentui/react-components';
import { useEffect, useState } from 'react';
import type { AgreementView } from '../../../src/server/api/schemas.js';
import { api, type ApiError } from '../api.js';
import { ErrorMessage, Loading, PageHeading, SourceNote, formatDate, formatInstant, useStyles as useShared } from '../components.js';
import { useSession } from '../session.js';
import { TemplateFields } from '../TemplateFields.js';
import { useResource } from '../useResource.js';

type Frequency = AgreementView['policy']['frequencyChoices'][number]['frequency'];

const policyDefault = 'policy';

export default function Agreement({ id }: { id?: string }) {
  const shared = useShared();
  const { refresh } = useSession();
  const resource = useResource<AgreementView>(id ? `/supervisees/${encodeURIComponent(id)}/agreement` : null);
  const [answers, setAnswers] = useState<Record<string, string>>({});
  const [frequency, setFrequency] = useState<string>(policyDefault);
  const [minutes, setMinutes] = useState('');
  const [error, setError] = useState<ApiError>();
  const [notice, setNotice] = useState<string>();
  const view = resource.data;

  useEffect(() => {
    const record = view?.agreement?.record;
    if (!view) return;
    setAnswers(record?.answers ?? {});
    const index = record?.agreedFrequency ? view.policy.frequencyChoices.findIndex((c) => JSON.stringify(c.frequency) === JSON.stringify(record.agreedFrequency)) : -1;
    setFrequency(index >= 0 ? String(index) : policyDefault);
    setMinutes(record?.agreedMinutes ? String(record.agreedMinutes) : '');
  }, [view]);

  if (!id) return <Text>Choose a supervisee on My team to open their agreement.</Text>;
  if (resource.error) return <ErrorMessage error={resource.error} title="Cannot open the agreement" />;
  if (!view) return <Loading label="Opening the agreement" />;

  const record = view.agreement?.record;
  const isSupervisor = view.capacity === 'supervisor';
  const editable = isSupervisor && (!record || record.status === 'draft' || record.status === 'signed');
  const startingReview = record?.status === 'signed';
  const chosen: Frequency | undefined = frequency === policyDefault ? undefined : view.policy.frequencyChoices[Number(frequency)]?.frequency;

  const body = () => ({
    answers,
    ...(chosen ? { agreedFrequency: chosen } : {}),
    ...(minutes ? { agreedMinutes: Number(minutes) } : {}),
  });

  const run = async (work: () => Promise<AgreementView>, message: string) => {
    setError(undefined);
    try {
      resource.setData(await work());
      setNotice(message);
      refresh();
    } catch (e) {
      setError(e as ApiError);
    }
  };

  const saveDraft = () =>
    run(
      () =>
        record && record.status === 'draft'
          ? api.put<AgreementView>(`/agreements/${encodeURIComponent(record.id)}`, { version: view.agreement!.version, ...body() })
          : api.post<AgreementView>(`/supervisees/${encodeURIComponent(id)}/agreement`, body()),
      'Draft saved.',
    );

  const sign = () =>
    run(async () => {
      let current = view;
      if (isSupervisor && (!record || record.status === 'draft')) {
        current = record ? await api.put<AgreementView>(`/agreements/${encodeURIComponent(record.id)}`, { version: view.agreement!.version, ...body() }) : await api.post<AgreementView>(`/supervisees/${encodeURIComponent(id)}/agreement`, body());
      }
      const agreement = current.agreement!;
      return api.post<AgreementView>(`/agreements/${encodeURIComponent(agreement.record.id)}/sign`, { version: agreement.version });
    }, 'Signed.');

  const canSign = (isSupervisor && (!record || record.status === 'draft')) || (view.capacity === 'supervisee' && record?.status === 'awaiting-supervisee');
  const fieldError = (name: string) => (error?.field === name ? error.message : undefined);

  return (
    <div className={shared.page}>
      <PageHeading title={`Supervision agreement: ${view.supervisee.displayName}`}>
        {view.template.label} · supervisor {view.supervisor.displayName}
      </PageHeading>
      <MessageBar intent={record?.status === 'signed' ? 'success' : 'info'}>
        <MessageBarBody>
          <MessageBarTitle>{record ? <Badge appearance="tint">{record.status.replace('-', ' ')}</Badge> : 'Not started'}</MessageBarTitle>
          {record?.status === 'signed'
            ? `Signed by both${record.reviewDue ? `; review by ${formatDate(record.reviewDue)}` : ''}. `
            : `${view.dueText}. `}
          {record?.supervisorSignedAt ? `Supervisor signed ${formatInstant(record.supervisorSignedAt)}. ` : ''}
          {record?.superviseeSignedAt ? `Supervisee signed ${formatInstant(record.superviseeSignedAt)}. ` : ''}
          <SourceNote source={view.dueSource} prefix="Deadline" />
        </MessageBarBody>
      </MessageBar>
      <Text>
        {view.review.text}. <SourceNote source={view.review.source} />
      </Text>
      {notice ? (
        <MessageBar intent="success" role="status">
          <MessageBarBody>{notice}</MessageBarBody>
        </MessageBar>
      ) : null}
      <ErrorMessage error={error && !['agreedFrequency', 'agreedMinutes'].includes(error.field ?? '') ? error : undefined} title="Not saved" />

      <section className={shared.section} aria-labelledby="frequency-heading">
        <h2 id="frequency-heading">Frequency and length</h2>
        <Text>
          The policy: {view.policy.cadence}; sessions of {view.policy.minutes} minutes. An agreement may only make supervision more frequent or longer.
        </Text>
        {view.policy.phases.map((p) => (
          <Text key={p.label} size={200}>
            {p.label} — <SourceNote source={p.source} />
          </Text>
        ))}
        {view.policy.mutuallyAgreed ? <Text size={200}>{view.policy.mutuallyAgreed}</Text> : null}
        <div className={shared.row}>
          <Field label="Agreed frequency" validationMessage={fieldError('agreedFrequency')}>
            <Dropdown
              disabled={!editable}
              value={chosen ? view.policy.frequencyChoices[Number(frequency)]!.label : `As the policy says (${view.policy.cadence})`}
              selectedOptions={[frequency]}
              onOptionSelect={(_e, d) => setFrequency(d.optionValue ?? policyDefault)}
            >
              <Option value={policyDefault} text={`As the policy says (${view.policy.cadence})`}>
                As the policy says ({view.policy.cadence})
              </Option>
              {view.policy.frequencyChoices.map((c, i) => (
                <Option key={c.label} value={String(i)}>
                  {c.label}
                </Option>
              ))}
            </Dropdown>
          </Field>
          <Field label="Session length (minutes)" hint={`At least ${view.policy.minutes}`} validationMessage={fieldError('agreedMinutes')}>
            <Input type="number" min={view.policy.minutes} step={15} value={minutes} placeholder={String(view.policy.minutes)} readOnly={!editable} onChange={(_e, d) => setMinutes(d.value)} />
          </Field>
        </div>
      </section>

      <section className={shared.section} aria-labelledby="agreement-heading">
        <h2 id="agreement-heading">{startingReview ? 'Review: a new agreement' : 'The agreement'}</h2>
        <TemplateFields template={view.template} values={answers} readOnly={!editable} onChange={(key, value) => setAnswers((a) => ({ ...a, [key]: value }))} />
      </section>

      <div className={shared.row}>
        {editable ? <Button onClick={() => void saveDraft()}>{startingReview ? 'Start review' : 'Save draft'}</Button> : null}
        {canSign && !startingReview ? (
          <Button appearance="primary" onClick={() => void sign()}>
            {isSupervisor ? 'Sign as supervisor' : 'Sign as supervisee'}
          </Button>
        ) : null}
        {record?.status === 'awaiting-supervisee' && isSupervisor ? <Text>Waiting for {view.supervisee.displayName} to sign.</Text> : null}
      </div>
    </div>
  );
}
