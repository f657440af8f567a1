/**
 * A session record: the organisation's template, the agenda carried in from prep and open
 * actions, actions as rows, cases as references with the case-direction tick and its
 * deadline. Drafts autosave every few seconds and on leaving a field; if someone else saved
 * in between, a banner offers to reload theirs, compare, or keep mine. Nothing is lost.
 */
import {
  Badge,
  Button,
  Checkbox,
  Combobox,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Dropdown,
  Field,
  Input,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
  Option,
  Radio,
  RadioGroup,
  Select,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  Textarea,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { RecordDraft, RecordView } from '../../../src/server/api/schemas.js';
import { api, type ApiError } from '../api.js';
import { ErrorMessage, Loading, SourceNote, formatDate, formatInstant, useStyles as useShared } from '../components.js';
import { useSession } from '../session.js';
import { TemplateFields } from '../TemplateFields.js';

const autosaveMs = 4000;

type Draft = Omit<RecordDraft, 'version'>;
type Case = Draft['cases'][number];
type Action = Draft['actions'][number];

const useStyles = makeStyles({
  caseRow: {
    display: 'grid',
    gridTemplateColumns: 'minmax(160px, 1fr) minmax(160px, 1fr) auto',
    gap: tokens.spacingHorizontalM,
    alignItems: 'end',
  },
  actionRow: { display: 'grid', gridTemplateColumns: 'minmax(240px, 3fr) minmax(120px, 1fr) minmax(140px, 1fr) auto', gap: tokens.spacingHorizontalM, alignItems: 'end' },
  status: { minHeight: '1.5em' },
  compare: { display: 'grid', gridTemplateColumns: '1fr 1fr', gap: tokens.spacingHorizontalM, whiteSpace: 'pre-wrap' },
  sticky: { display: 'flex', gap: tokens.spacingHorizontalS, flexWrap: 'wrap', alignItems: 'center' },
});

function draftOf(record: RecordView['record']): Draft {
  return {
    agenda: record.agenda ?? '',
    sections: { ...record.sections },
    cases: record.cases.map((c) => ({ ...c })),
    actions: record.actions.map((a) => ({ ...a })),
    ...(record.gapReason !== undefined ? { gapReason: record.gapReason } : {}),
    ...(record.groupSinceLast ? { groupSinceLast: { ...record.groupSinceLast } } : {}),
  };
}

const caseReference = /^[A-Za-z0-9][A-Za-z0-9\-/_.:]{0,31}$/;

/** What would make the API refuse this draft, by field, so autosave waits and the field says why. */
export function problems(draft: Draft): Map<string, string> {
  const found = new Map<string, string>();
  draft.cases.forEach((c, i) => {
    if (!caseReference.test(c.ref) || !/\d/.test(c.ref)) found.set(`cases[${i}].ref`, 'Enter the case reference from the case system, e.g. LCS-123456 (never a name).');
  });
  draft.actions.forEach((a, i) => {
    if (!a.what.trim()) found.set(`actions[${i}].what`, 'Say what the action is.');
    if (!/^\d{4}-\d{2}-\d{2}$/.test(a.due)) found.set(`actions[${i}].due`, 'Choose the date it is due by.');
  });
  return found;
}

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

let counter = 0;
function newId(): string {
  counter += 1;
  return `a${Date.now().toString(36)}${counter}`;
}

/** The fields that differ between my draft and the version someone else saved. */
function differences(mine: Draft, theirs: Draft, view: RecordView): { label: string; mine: string; theirs: string }[] {
  const out: { label: string; mine: string; theirs: string }[] = [];
  const labels = new Map<string, string>();
  for (const s of view.template.sections) {
    labels.set(s.id, s.label);
    for (const f of s.fields ?? []) labels.set(`${s.id}.${f.id}`, `${s.label}: ${f.label}`);
  }
  if ((mine.agenda ?? '') !== (theirs.agenda ?? '')) out.push({ label: 'Agenda', mine: mine.agenda ?? '', theirs: theirs.agenda ?? '' });
  for (const key of new Set([...Object.keys(mine.sections), ...Object.keys(theirs.sections)])) {
    if ((mine.sections[key] ?? '') !== (theirs.sections[key] ?? '')) out.push({ label: labels.get(key) ?? key, mine: mine.sections[key] ?? '', theirs: theirs.sections[key] ?? '' });
  }
  const list = (items: { what?: string; ref?: string }[]) => items.map((i) => i.what ?? i.ref).join('\n');
  if (list(mine.actions) !== list(theirs.actions)) out.push({ label: 'Actions', mine: list(mine.actions), theirs: list(theirs.actions) });
  if (list(mine.cases) !== list(theirs.cases)) out.push({ label: 'Cases', mine: list(mine.cases), theirs: list(theirs.cases) });
  return out;
}

export default function SessionRecord({ id }: { id?: string }) {
  const shared = useShared();
  const styles = useStyles();
  const { refresh } = useSession();
  const [view, setView] = useState<RecordView>();
  const [draft, setDraft] = useState<Draft>();
  const [loadError, setLoadError] = useState<ApiError>();
  const [error, setError] = useState<ApiError>();
  const [saving, setSaving] = useState(false);
  const [savedAt, setSavedAt] = useState<Date>();
  const [conflict, setConflict] = useState<RecordView>();
  const [comparing, setComparing] = useState(false);
  const [disputing, setDisputing] = useState(false);
  const [comment, setComment] = useState('');
  const [touched, setTouched] = useState(false);
  const edits = useRef(0);
  const savedEdits = useRef(0);
  const inFlight = useRef<Promise<RecordView | undefined> | null>(null);

  useEffect(() => {
    if (!id) return;
    api
      .get<RecordView>(`/records/${encodeURIComponent(id)}`)
      .then((v) => {
        setView(v);
        setDraft(draftOf(v.record));
      })
      .catch((e: ApiError) => setLoadError(e));
  }, [id]);

  const editable = view?.capacity === 'supervisor' && view.record.status === 'draft';
  const dirty = () => edits.current !== savedEdits.current;

  const change = useCallback((update: (d: Draft) => Draft) => {
    edits.current += 1;
    setDraft((d) => (d ? update(d) : d));
  }, []);

  const save = useCallback(
    async (overVersion?: string): Promise<RecordView | undefined> => {
      if (!view || !draft || !editable) return view;
      if (inFlight.current) return inFlight.current;
      if (problems(draft).size > 0) return undefined;
      const at = edits.current;
      const body: RecordDraft = { version: overVersion ?? view.version, ...draft };
      const run = (async () => {
        setSaving(true);
        try {
          const saved = await api.put<RecordView>(`/records/${encodeURIComponent(view.record.id)}`, body);
          setView(saved);
          savedEdits.current = at;
          setSavedAt(new Date());
          setError(undefined);
          setConflict(undefined);
          return saved;
        } catch (e) {
          const err = e as ApiError;
          if (err.conflict) {
            setConflict(await api.get<RecordView>(`/records/${encodeURIComponent(view.record.id)}`));
          } else {
            setError(err);
          }
          return undefined;
        } finally {
          setSaving(false);
          inFlight.current = null;
        }
      })();
      inFlight.current = run;
      return run;
    },
    [view, draft, editable],
  );

  // One steady timer: saves every few seconds while there are unsaved edits, even mid-typing.
  const latestSave = useRef(save);
  latestSave.current = save;
  useEffect(() => {
    if (!editable || conflict) return undefined;
    const timer = setInterval(() => {
      if (dirty()) void latestSave.current();
    }, autosaveMs);
    return () => clearInterval(timer);
  }, [editable, conflict]);

  const act = async (path: string, body: Record<string, unknown>) => {
    if (!view || !draft) return;
    setError(undefined);
    if (editable && problems(draft).size > 0) {
      setTouched(true);
      return undefined;
    }
    try {
      let current = view;
      if (dirty()) {
        const saved = await save();
        if (!saved) return;
        current = saved;
      }
      const next = await api.post<RecordView>(`/records/${encodeURIComponent(view.record.id)}/${path}`, { version: current.version, ...body });
      setView(next);
      setDraft(draftOf(next.record));
      refresh();
      return next;
    } catch (e) {
      setError(e as ApiError);
      return undefined;
    }
  };

  if (loadError) return <ErrorMessage error={loadError} title="Cannot open this record" />;
  if (!view || !draft) return <Loading label="Opening the record" />;

  const { record } = view;
  const perCase = view.template.sections.filter((s) => s.repeatsPerCase);
  const categories = view.caseCategories;
  const directionFor = (ref: string) => view.caseDirection.deadlines.find((d) => d.ref === ref);
  const invalid = problems(draft);
  const status = saving ? 'Saving…' : dirty() ? (invalid.size > 0 ? 'Unsaved: fix the fields marked below' : 'Unsaved changes') : savedAt ? `Saved at ${savedAt.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' })}` : '';

  const setCase = (i: number, next: Partial<Case>) => change((d) => ({ ...d, cases: d.cases.map((c, j) => (j === i ? { ...c, ...next } : c)) }));
  const setAction = (i: number, next: Partial<Action>) => change((d) => ({ ...d, actions: d.actions.map((a, j) => (j === i ? { ...a, ...next } : a)) }));

  const tickDirection = async (ref: string, recorded: boolean) => {
    try {
      const next = await api.post<RecordView>(`/records/${encodeURIComponent(record.id)}/case-direction`, { version: view.version, ref, recorded });
      setView(next);
      setDraft(draftOf(next.record));
    } catch (e) {
      setError(e as ApiError);
    }
  };

  return (
    <form
      className={shared.page}
      aria-labelledby="record-title"
      onSubmit={(e) => e.preventDefault()}
      onBlur={() => {
        if (editable && dirty() && !conflict) void save();
      }}
    >
      <div>
        <h1 id="record-title" style={{ margin: 0 }}>
          {record.kind === 'informal' ? 'Informal supervision' : record.kind === 'group' ? 'Group supervision' : 'Supervision record'}: {view.supervisee.displayName}, {formatDate(record.sessionDate)}
        </h1>
        <div className={styles.sticky}>
          <Badge appearance="tint" color={record.status === 'draft' ? 'informative' : record.status === 'disputed' ? 'danger' : 'success'}>
            {record.status}
          </Badge>
          <Text>
            {view.template.label} · supervisor {view.supervisor.displayName}
          </Text>
          <Text role="status" aria-live="polite" className={styles.status}>
            {status}
          </Text>
        </div>
      </div>

      {conflict ? (
        <MessageBar intent="warning" role="alert" layout="multiline">
          <MessageBarBody>
            <MessageBarTitle>Someone else saved this record</MessageBarTitle>
            They saved it at {formatInstant(conflict.record.updatedAt)} while you were editing. Your changes are kept here but not saved.
          </MessageBarBody>
          <MessageBarActions>
            <Button onClick={() => setComparing(true)}>Compare</Button>
            <Button
              onClick={() => {
                setView(conflict);
                setDraft(draftOf(conflict.record));
                savedEdits.current = edits.current;
                setConflict(undefined);
              }}
            >
              Reload theirs
            </Button>
            <Button appearance="primary" onClick={() => void save(conflict.version)}>
              Keep mine
            </Button>
          </MessageBarActions>
        </MessageBar>
      ) : null}
      {comparing && conflict ? (
        <Dialog open onOpenChange={(_e, d) => !d.open && setComparing(false)}>
          <DialogSurface aria-describedby={undefined}>
            <DialogBody>
              <DialogTitle>Your changes and theirs</DialogTitle>
              <DialogContent>
                {differences(draft, draftOf(conflict.record), view).map((d) => (
                  <section key={d.label} aria-label={d.label}>
                    <h3>{d.label}</h3>
                    <div className={styles.compare}>
                      <div>
                        <Text weight="semibold">Yours</Text>
                        <div>{d.mine || '—'}</div>
                      </div>
                      <div>
                        <Text weight="semibold">Theirs</Text>
                        <div>{d.theirs || '—'}</div>
                      </div>
                    </div>
                  </section>
                ))}
              </DialogContent>
              <DialogActions>
                <Button onClick={() => setComparing(false)}>Close</Button>
              </DialogActions>
            </DialogBody>
          </DialogSurface>
        </Dialog>
      ) : null}
      <ErrorMessage error={error} title="Not saved" />

      {view.deadlines.length > 0 ? (
        <section className={shared.section} aria-label="Deadlines">
          {view.deadlines.map((d) => (
            <Text key={d.what}>
              {d.what}: by {formatInstant(d.due)} {d.met === true ? '— met' : d.met === false ? '— missed' : ''} <SourceNote source={d.source} />
            </Text>
          ))}
        </section>
      ) : null}

      {view.gap.late ? (
        <MessageBar intent="warning">
          <MessageBarBody>
            The last session was {view.gap.lastHeld ? `on ${formatDate(view.gap.lastHeld)}` : 'never held'}; under {view.gap.rule} this one was due by {formatDate(view.gap.allowedBy)}. Say why below.
          </MessageBarBody>
        </MessageBar>
      ) : null}
      {view.gap.late || draft.gapReason ? (
        <Field label="More time than the policy allows since the last session: why?" required={view.gap.late} validationMessage={error?.field === 'gapReason' ? error.message : undefined}>
          <Textarea value={draft.gapReason ?? ''} readOnly={!editable} onChange={(_e, d) => change((x) => ({ ...x, gapReason: d.value }))} />
        </Field>
      ) : null}

      <Field label="Agenda" hint="From the supervisee's preparation and the open actions of earlier sessions">
        <Textarea value={draft.agenda ?? ''} readOnly={!editable} resize="vertical" rows={6} onChange={(_e, d) => change((x) => ({ ...x, agenda: d.value }))} />
      </Field>

      {view.groupQuestion ? (
        <Field label="Has the supervisee attended group supervision since the last one-to-one?" required validationMessage={error?.field === 'groupSinceLast' ? error.message : undefined}>
          <RadioGroup
            layout="horizontal"
            disabled={!editable}
            value={draft.groupSinceLast ? (draft.groupSinceLast.attended ? 'yes' : 'no') : ''}
            onChange={(_e, d) => change((x) => ({ ...x, groupSinceLast: { attended: d.value === 'yes', ...(x.groupSinceLast?.whyNot ? { whyNot: x.groupSinceLast.whyNot } : {}) } }))}
          >
            <Radio value="yes" label="Yes" />
            <Radio value="no" label="No" />
          </RadioGroup>
        </Field>
      ) : null}
      {draft.groupSinceLast && !draft.groupSinceLast.attended ? (
        <Field label="If not, why not?">
          <Textarea value={draft.groupSinceLast.whyNot ?? ''} readOnly={!editable} onChange={(_e, d) => change((x) => ({ ...x, groupSinceLast: { attended: false, whyNot: d.value } }))} />
        </Field>
      ) : null}

      <TemplateFields template={view.template} values={draft.sections} readOnly={!editable} skip={(s) => Boolean(s.repeatsPerCase) || s.id === 'agenda'} onChange={(key, value) => change((x) => ({ ...x, sections: { ...x.sections, [key]: value } }))} />

      {view.template.includesCases || draft.cases.length > 0 ? (
        <section className={shared.section} aria-labelledby="cases-heading">
          <h2 id="cases-heading">Cases discussed</h2>
          <Text className={shared.muted}>
            Case references only, never names. Case direction recorded in {view.caseDirection.system} within {view.caseDirection.within ?? 'the agreed time'}
            {view.caseDirection.urgentWithin ? ` (urgent: ${view.caseDirection.urgentWithin})` : ''}. <SourceNote source={view.caseDirection.source} />
          </Text>
          {draft.cases.map((c, i) => {
            const deadline = directionFor(c.ref);
            return (
              <fieldset key={i} className={shared.card} aria-label={`Case ${c.ref || i + 1}`}>
                <div className={styles.caseRow}>
                  <Field label="Case reference" required validationMessage={c.ref ? invalid.get(`cases[${i}].ref`) : undefined}>
                    <Combobox
                      freeform
                      disabled={!editable}
                      value={c.ref}
                      onChange={(e) => setCase(i, { ref: e.target.value.trim() })}
                      onOptionSelect={(_e, d) => d.optionValue && setCase(i, { ref: d.optionValue, category: view.caseload.find((x) => x.ref === d.optionValue)?.category ?? c.category })}
                    >
                      {view.caseload.map((x) => (
                        <Option key={x.ref} value={x.ref}>
                          {x.ref}
                        </Option>
                      ))}
                    </Combobox>
                  </Field>
                  <Field label="Category" required>
                    <Dropdown
                      disabled={!editable}
                      value={categories.find((x) => x.id === c.category)?.label ?? ''}
                      selectedOptions={[c.category]}
                      onOptionSelect={(_e, d) => d.optionValue && setCase(i, { category: d.optionValue })}
                    >
                      {categories.map((x) => (
                        <Option key={x.id} value={x.id}>
                          {x.label}
                        </Option>
                      ))}
                    </Dropdown>
                  </Field>
                  {editable ? (
                    <Button onClick={() => change((d) => ({ ...d, cases: d.cases.filter((_x, j) => j !== i) }))} aria-label={`Remove case ${c.ref || i + 1}`}>
                      Remove
                    </Button>
                  ) : (
                    <span />
                  )}
                </div>
                <Checkbox disabled={!editable} checked={Boolean(c.urgent)} onChange={(_e, d) => setCase(i, { urgent: Boolean(d.checked) })} label="Urgent" />
                <Checkbox
                  disabled={view.capacity !== 'supervisor' || !c.ref}
                  checked={Boolean(c.directionRecordedAt)}
                  onChange={(_e, d) => (record.status === 'draft' ? setCase(i, d.checked ? { directionRecordedAt: new Date().toISOString() } : { directionRecordedAt: undefined }) : void tickDirection(c.ref, Boolean(d.checked)))}
                  label={`Case direction recorded in ${view.caseDirection.system}${deadline?.due ? ` (by ${formatInstant(deadline.due)}${deadline.late ? ', late' : ''})` : ''}`}
                />
                {perCase.map((s) => (
                  <Field key={s.id} label={`${s.label} (${c.ref || 'this case'})`} hint={s.hint}>
                    <Textarea
                      readOnly={!editable}
                      value={draft.sections[`case:${c.ref}:${s.id}`] ?? ''}
                      onChange={(_e, d) => change((x) => ({ ...x, sections: { ...x.sections, [`case:${c.ref}:${s.id}`]: d.value } }))}
                    />
                  </Field>
                ))}
              </fieldset>
            );
          })}
          {editable ? (
            <div>
              <Button onClick={() => change((d) => ({ ...d, cases: [...d.cases, { ref: '', category: categories[0]?.id ?? 'other' }] }))}>Add case</Button>
            </div>
          ) : null}
        </section>
      ) : null}

      {view.template.includesActions || draft.actions.length > 0 ? (
        <section className={shared.section} aria-labelledby="actions-heading">
          <h2 id="actions-heading">Actions</h2>
          {draft.actions.map((a, i) => (
            <div key={a.id} className={styles.actionRow} role="group" aria-label={`Action ${i + 1}`}>
              <Field label={`Action ${i + 1}: what`} required validationMessage={touched ? invalid.get(`actions[${i}].what`) : undefined}>
                <Input value={a.what} readOnly={!editable} onChange={(_e, d) => setAction(i, { what: d.value })} />
              </Field>
              <Field label="Who">
                <Select value={a.who} disabled={!editable} onChange={(_e, d) => setAction(i, { who: d.value as Action['who'] })}>
                  <option value="supervisee">Supervisee</option>
                  <option value="supervisor">Supervisor</option>
                  <option value="both">Both</option>
                </Select>
              </Field>
              <Field label="By when" required validationMessage={invalid.get(`actions[${i}].due`)}>
                <Input type="date" value={a.due} readOnly={!editable} onChange={(_e, d) => setAction(i, { due: d.value })} />
              </Field>
              {editable ? (
                <Button onClick={() => change((d) => ({ ...d, actions: d.actions.filter((_x, j) => j !== i) }))} aria-label={`Remove action ${i + 1}`}>
                  Remove
                </Button>
              ) : (
                <span />
              )}
            </div>
          ))}
          {editable ? (
            <div>
              <Button onClick={() => change((d) => ({ ...d, actions: [...d.actions, { id: newId(), what: '', who: 'supervisee', due: addDays(record.sessionDate, 14) }] }))}>Add action</Button>
            </div>
          ) : null}
          {view.openActions.length > 0 ? (
            <Table aria-label="Open actions from earlier sessions" size="small">
              <TableHeader>
                <TableRow>
                  <TableHeaderCell>Open from earlier sessions</TableHeaderCell>
                  <TableHeaderCell>Who</TableHeaderCell>
                  <TableHeaderCell>Due</TableHeaderCell>
                </TableRow>
              </TableHeader>
              <TableBody>
                {view.openActions.map((a) => (
                  <TableRow key={a.id}>
                    <TableCell>{a.what}</TableCell>
                    <TableCell>{a.who}</TableCell>
                    <TableCell>{formatDate(a.due)}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          ) : null}
        </section>
      ) : null}

      {record.superviseeComment ? (
        <MessageBar intent={record.status === 'disputed' ? 'warning' : 'info'}>
          <MessageBarBody>
            <MessageBarTitle>{record.status === 'disputed' ? 'The supervisee disagrees' : 'Supervisee comment'}</MessageBarTitle>
            {record.superviseeComment}
          </MessageBarBody>
        </MessageBar>
      ) : null}

      <div className={styles.sticky}>
        {editable ? (
          <>
            <Button
              onClick={() => {
                setTouched(true);
                void save();
              }}
              disabled={saving || Boolean(conflict)}
            >
              Save now
            </Button>
            <Button appearance="primary" disabled={Boolean(conflict)} onClick={() => void act('finalise', {})}>
              Finalise and share
            </Button>
          </>
        ) : null}
        {view.capacity === 'supervisee' && record.status === 'finalised' ? (
          <>
            <Button appearance="primary" onClick={() => void act('acknowledge', {})}>
              Acknowledge
            </Button>
            <Button onClick={() => setDisputing(true)}>I disagree…</Button>
          </>
        ) : null}
        {record.status !== 'draft' ? <Text>Finalised {formatInstant(record.finalisedAt)}{record.superviseeSignedAt ? ` · ${record.status} ${formatInstant(record.superviseeSignedAt)}` : ''}</Text> : null}
      </div>
      {disputing ? (
        <Dialog open onOpenChange={(_e, d) => !d.open && setDisputing(false)}>
          <DialogSurface aria-describedby={undefined}>
            <DialogBody>
              <DialogTitle>Record your disagreement</DialogTitle>
              <DialogContent>
                <Field label="What do you disagree with?" required validationMessage={error?.field === 'comment' ? error.message : undefined}>
                  <Textarea value={comment} onChange={(_e, d) => setComment(d.value)} />
                </Field>
              </DialogContent>
              <DialogActions>
                <Button onClick={() => setDisputing(false)}>Back</Button>
                <Button
                  appearance="primary"
                  onClick={() =>
                    void act('dispute', { comment }).then((next) => {
                      if (next) setDisputing(false);
                    })
                  }
                >
                  Add to the record
                </Button>
              </DialogActions>
            </DialogBody>
          </DialogSurface>
        </Dialog>
      ) : null}
    </form>
  );
}
