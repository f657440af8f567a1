/**
 * Schedule: pick a supervisee → the policy cadence with each phase and its source → free
 * slots for both → book the series → confirmation listing the occurrences. Then each session
 * can be opened, moved or cancelled with a reason (and rebooked inside the pack's window).
 */
import {
  Button,
  Checkbox,
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
import { useEffect, useMemo, useRef, useState } from 'react';
import type { BookingResponse, CancelResponse, FreeSlots, OccurrenceView, Occurrences, PlanView, RecordView, Team } from '../../../src/server/api/schemas.js';
import { api, type ApiError } from '../api.js';
import { ErrorMessage, Loading, PageHeading, SourceNote, formatDate, today, useStyles as useShared } from '../components.js';
import { href, navigate } from '../routing.js';
import { useResource } from '../useResource.js';

const useStyles = makeStyles({
  steps: { display: 'flex', gap: tokens.spacingHorizontalL, listStyle: 'none', padding: 0, margin: 0, flexWrap: 'wrap' },
  step: { color: tokens.colorNeutralForeground3 },
  current: { color: tokens.colorBrandForeground1, fontWeight: tokens.fontWeightSemibold, textDecoration: 'underline' },
  times: { display: 'flex', flexWrap: 'wrap' },
  buttons: { display: 'flex', gap: tokens.spacingHorizontalS },
});

const weekdays = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const weekdayNames: Record<string, string> = { mon: 'Mondays', tue: 'Tuesdays', wed: 'Wednesdays', thu: 'Thursdays', fri: 'Fridays' };

function weekdayOf(date: string): (typeof weekdays)[number] {
  return weekdays[new Date(`${date}T00:00:00Z`).getUTCDay()]!;
}

const stepNames = ['Supervisee', 'Cadence', 'Free slots', 'Book', 'Booked'];

function Steps({ step }: { step: number }) {
  const styles = useStyles();
  return (
    <ol className={styles.steps} aria-label="Booking steps">
      {stepNames.map((name, i) => (
        <li key={name} className={i + 1 === step ? styles.current : styles.step} aria-current={i + 1 === step ? 'step' : undefined}>
          {i + 1}. {name}
        </li>
      ))}
    </ol>
  );
}

/** Moves focus to a step's heading when the step changes, so keyboard and screen-reader users follow. */
function useFocusOnChange(value: unknown) {
  const ref = useRef<HTMLHeadingElement>(null);
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    ref.current?.focus();
  }, [value]);
  return ref;
}

function PlanStep({ plan }: { plan: PlanView }) {
  const shared = useShared();
  return (
    <div className={shared.section}>
      <Text>
        {plan.supervisee.displayName} · {plan.roleLabel} · from {formatDate(plan.start)}: <strong>{plan.cadence}</strong>
      </Text>
      <Table aria-label="Cadence phases" size="small">
        <TableHeader>
          <TableRow>
            <TableHeaderCell>Phase</TableHeaderCell>
            <TableHeaderCell>From</TableHeaderCell>
            <TableHeaderCell>Until</TableHeaderCell>
            <TableHeaderCell>How often</TableHeaderCell>
            <TableHeaderCell>Why (policy)</TableHeaderCell>
          </TableRow>
        </TableHeader>
        <TableBody>
          {plan.phases.map((p) => (
            <TableRow key={`${p.stream}/${p.ruleId}`}>
              <TableCell>{p.label}</TableCell>
              <TableCell>{formatDate(p.from)}</TableCell>
              <TableCell>{p.until ? formatDate(p.until) : 'ongoing'}</TableCell>
              <TableCell>{p.frequency}</TableCell>
              <TableCell>
                <Text size={200}>
                  {p.source.ref}: {p.source.text}
                </Text>
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {plan.warnings.map((w) => (
        <MessageBar key={w.message} intent="warning">
          <MessageBarBody>{w.message}</MessageBarBody>
        </MessageBar>
      ))}
      <Text>{plan.sessions.length} sessions in the first year.</Text>
    </div>
  );
}

function SlotsStep({ superviseeId, choice, onChoose }: { superviseeId: string; choice: { date: string; time: string } | null; onChoose: (c: { date: string; time: string }) => void }) {
  const shared = useShared();
  const styles = useStyles();
  const [from, setFrom] = useState(today());
  const slots = useResource<FreeSlots>(`/supervisees/${encodeURIComponent(superviseeId)}/slots?from=${from}&days=7`);
  const days = slots.data?.days.filter((d) => d.times.length > 0) ?? [];
  const [day, setDay] = useState<string>('');
  const selectedDay = days.find((d) => d.date === (day || choice?.date)) ?? days[0];
  return (
    <div className={shared.section}>
      <div className={shared.row}>
        <Field label="Look from">
          <Input type="date" value={from} min={today()} onChange={(_e, d) => d.value && setFrom(d.value)} />
        </Field>
        {days.length > 0 ? (
          <Field label="Day">
            <Select value={selectedDay?.date ?? ''} onChange={(_e, d) => setDay(d.value)}>
              {days.map((d) => (
                <option key={d.date} value={d.date}>
                  {formatDate(d.date)} ({d.times.length} free)
                </option>
              ))}
            </Select>
          </Field>
        ) : null}
      </div>
      <ErrorMessage error={slots.error} />
      {slots.loading ? <Loading label="Finding free times" /> : null}
      {slots.data && days.length === 0 ? <Text>No common free time that week; look from a later date.</Text> : null}
      {selectedDay ? (
        <Field label={`Start time on ${formatDate(selectedDay.date)} (${slots.data?.durationMinutes} minutes, both free)`}>
          <RadioGroup
            layout="horizontal"
            className={styles.times}
            value={choice?.date === selectedDay.date ? choice.time : ''}
            onChange={(_e, d) => onChoose({ date: selectedDay.date, time: d.value })}
          >
            {selectedDay.times.map((t) => (
              <Radio key={t} value={t} label={t} />
            ))}
          </RadioGroup>
        </Field>
      ) : null}
    </div>
  );
}

function Wizard({ team, initial, onBooked }: { team: Team; initial?: string; onBooked: (booking: BookingResponse, superviseeId: string) => void }) {
  const shared = useShared();
  const styles = useStyles();
  const [step, setStep] = useState(initial ? 2 : 1);
  const [superviseeId, setSuperviseeId] = useState(initial ?? '');
  const [choice, setChoice] = useState<{ date: string; time: string } | null>(null);
  const [teams, setTeams] = useState(true);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();
  const heading = useFocusOnChange(step);
  const plan = useResource<PlanView>(step >= 2 && superviseeId ? `/supervisees/${encodeURIComponent(superviseeId)}/plan` : null);
  const member = team.members.find((m) => m.person.id === superviseeId);

  const book = async () => {
    if (!choice) return;
    setBusy(true);
    setError(undefined);
    try {
      const booking = await api.post<BookingResponse>('/bookings', { superviseeId, weekday: weekdayOf(choice.date), time: choice.time, teamsMeeting: teams });
      onBooked(booking, superviseeId);
    } catch (e) {
      setError(e as ApiError);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className={shared.section} aria-labelledby="wizard-step">
      <Steps step={step} />
      <h2 id="wizard-step" ref={heading} tabIndex={-1}>
        {stepNames[step - 1]}
      </h2>
      {step === 1 ? (
        <Field label="Supervisee" required>
          <Dropdown
            placeholder="Choose a supervisee"
            selectedOptions={superviseeId ? [superviseeId] : []}
            value={member?.person.displayName ?? ''}
            onOptionSelect={(_e, d) => d.optionValue && setSuperviseeId(d.optionValue)}
          >
            {team.members.map((m) => (
              <Option key={m.person.id} value={m.person.id} text={m.person.displayName}>
                {m.person.displayName} — {m.roleLabel}
                {m.booked ? ' (booked)' : ''}
              </Option>
            ))}
          </Dropdown>
        </Field>
      ) : null}
      {step === 2 ? (
        <>
          <ErrorMessage error={plan.error} />
          {plan.data ? <PlanStep plan={plan.data} /> : <Loading label="Planning" />}
        </>
      ) : null}
      {step === 3 ? <SlotsStep superviseeId={superviseeId} choice={choice} onChoose={setChoice} /> : null}
      {step === 4 && choice && plan.data ? (
        <div className={shared.section}>
          <Text>
            Book {plan.data.cadence} for {plan.data.supervisee.displayName}, on <strong>{weekdayNames[weekdayOf(choice.date)]}</strong> at <strong>{choice.time}</strong>, from the start of the
            relationship on {formatDate(plan.data.start)} to {formatDate(plan.data.until)}. Meetings go in your Outlook calendar with {plan.data.supervisee.displayName} invited.
          </Text>
          <Checkbox checked={teams} onChange={(_e, d) => setTeams(Boolean(d.checked))} label="Add a Teams meeting link" />
          <ErrorMessage error={error} title="Could not book" />
        </div>
      ) : null}
      <div className={styles.buttons}>
        {step > 1 ? (
          <Button onClick={() => setStep(step - 1)} disabled={busy}>
            Back
          </Button>
        ) : null}
        {step === 1 ? (
          <Button appearance="primary" disabled={!superviseeId} onClick={() => setStep(2)}>
            Next: cadence
          </Button>
        ) : null}
        {step === 2 ? (
          <Button appearance="primary" disabled={!plan.data} onClick={() => setStep(3)}>
            Next: find a time
          </Button>
        ) : null}
        {step === 3 ? (
          <Button appearance="primary" disabled={!choice} onClick={() => setStep(4)}>
            Next: confirm
          </Button>
        ) : null}
        {step === 4 ? (
          <Button appearance="primary" disabled={busy || !choice} onClick={() => void book()}>
            {busy ? 'Booking…' : 'Book series'}
          </Button>
        ) : null}
      </div>
    </section>
  );
}

type DialogState = { kind: 'reschedule' | 'cancel'; occurrence: OccurrenceView } | { kind: 'series'; occurrence: OccurrenceView } | null;

function RescheduleDialog({ superviseeId, occurrence, onDone, onClose }: { superviseeId: string; occurrence: OccurrenceView; onDone: (o: OccurrenceView[]) => void; onClose: () => void }) {
  const [date, setDate] = useState(occurrence.date);
  const [time, setTime] = useState(occurrence.time ?? '10:00');
  const [error, setError] = useState<ApiError>();
  const submit = async () => {
    try {
      onDone(await api.post<OccurrenceView[]>(`/supervisees/${encodeURIComponent(superviseeId)}/occurrences/reschedule`, { scheduleId: occurrence.scheduleId, occurrenceId: occurrence.id, date, time }));
    } catch (e) {
      setError(e as ApiError);
    }
  };
  return (
    <Dialog open onOpenChange={(_e, d) => !d.open && onClose()}>
      <DialogSurface aria-describedby={undefined}>
        <DialogBody>
          <DialogTitle>Move the session of {formatDate(occurrence.date)}</DialogTitle>
          <DialogContent>
            <Field label="New date" required validationMessage={error?.field?.endsWith('date') ? error.message : undefined}>
              <Input type="date" value={date} min={today()} onChange={(_e, d) => setDate(d.value)} />
            </Field>
            <Field label="New start time" required validationMessage={error?.field?.endsWith('time') ? error.message : undefined}>
              <Input type="time" value={time} onChange={(_e, d) => setTime(d.value)} />
            </Field>
            {error && !error.field?.match(/date|time/) ? <ErrorMessage error={error} /> : null}
          </DialogContent>
          <DialogActions>
            <Button onClick={onClose}>Keep it</Button>
            <Button appearance="primary" onClick={() => void submit()}>
              Move session
            </Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}

function SeriesDialog({ superviseeId, occurrence, onDone, onClose }: { superviseeId: string; occurrence: OccurrenceView; onDone: (o: OccurrenceView[]) => void; onClose: () => void }) {
  const [from, setFrom] = useState(occurrence.date);
  const [weekday, setWeekday] = useState<string>(weekdayOf(occurrence.date));
  const [time, setTime] = useState(occurrence.time ?? '10:00');
  const [error, setError] = useState<ApiError>();
  const [result, setResult] = useState<string>();
  const submit = async () => {
    try {
      const res = await api.post<{ moved: number; skipped: { date: string; reason: string }[]; warnings: string[]; occurrences: OccurrenceView[] }>(`/supervisees/${encodeURIComponent(superviseeId)}/series/reschedule`, {
        scheduleId: occurrence.scheduleId,
        from,
        weekday,
        time,
      });
      setResult([`${res.moved} sessions moved.`, ...res.skipped.map((s) => s.reason), ...res.warnings].join(' '));
      onDone(res.occurrences);
    } catch (e) {
      setError(e as ApiError);
    }
  };
  return (
    <Dialog open onOpenChange={(_e, d) => !d.open && onClose()}>
      <DialogSurface aria-describedby={undefined}>
        <DialogBody>
          <DialogTitle>Move the rest of the series</DialogTitle>
          <DialogContent>
            <Field label="From">
              <Input type="date" value={from} min={today()} onChange={(_e, d) => setFrom(d.value)} />
            </Field>
            <Field label="Weekday">
              <Select value={weekday} onChange={(_e, d) => setWeekday(d.value)}>
                {Object.entries(weekdayNames).map(([value, label]) => (
                  <option key={value} value={value}>
                    {label}
                  </option>
                ))}
              </Select>
            </Field>
            <Field label="Start time">
              <Input type="time" value={time} onChange={(_e, d) => setTime(d.value)} />
            </Field>
            <ErrorMessage error={error} />
            {result ? (
              <MessageBar intent="success">
                <MessageBarBody>{result}</MessageBarBody>
              </MessageBar>
            ) : null}
          </DialogContent>
          <DialogActions>
            <Button onClick={onClose}>Close</Button>
            {!result ? (
              <Button appearance="primary" onClick={() => void submit()}>
                Move sessions
              </Button>
            ) : null}
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}

function CancelDialog({ superviseeId, occurrence, policy, onDone, onClose }: { superviseeId: string; occurrence: OccurrenceView; policy: Occurrences['cancellationPolicy']; onDone: (r: CancelResponse) => void; onClose: () => void }) {
  const [reason, setReason] = useState('');
  const [details, setDetails] = useState('');
  const [rebook, setRebook] = useState(true);
  const [date, setDate] = useState('');
  const [time, setTime] = useState(occurrence.time ?? '10:00');
  const [error, setError] = useState<ApiError>();
  const submit = async () => {
    const text = [reason, details.trim()].filter(Boolean).join(': ');
    try {
      onDone(
        await api.post<CancelResponse>(`/supervisees/${encodeURIComponent(superviseeId)}/occurrences/cancel`, {
          occurrenceId: occurrence.id,
          ...(text ? { reason: text } : {}),
          ...(rebook && date ? { rebook: { date, time } } : {}),
        }),
      );
    } catch (e) {
      setError(e as ApiError);
    }
  };
  const fieldError = (name: string) => (error?.field === name || error?.field?.startsWith(`${name}.`) ? error.message : undefined);
  return (
    <Dialog open onOpenChange={(_e, d) => !d.open && onClose()}>
      <DialogSurface aria-describedby={undefined}>
        <DialogBody>
          <DialogTitle>Cancel the session of {formatDate(occurrence.originalDate)}</DialogTitle>
          <DialogContent>
            {policy.permittedReasons ? (
              <Field label="Reason" required={policy.reasonRequired} validationMessage={fieldError('reason')}>
                <Dropdown placeholder="Choose the reason" value={reason} selectedOptions={reason ? [reason] : []} onOptionSelect={(_e, d) => setReason(d.optionValue ?? '')}>
                  {policy.permittedReasons.map((r) => (
                    <Option key={r} value={r}>
                      {r}
                    </Option>
                  ))}
                </Dropdown>
              </Field>
            ) : null}
            <Field label={policy.permittedReasons ? 'Details' : 'Reason'} required={!policy.permittedReasons && policy.reasonRequired} validationMessage={policy.permittedReasons ? undefined : fieldError('reason')}>
              <Textarea value={details} onChange={(_e, d) => setDetails(d.value)} />
            </Field>
            <SourceNote source={policy.source} />
            <Checkbox checked={rebook} onChange={(_e, d) => setRebook(Boolean(d.checked))} label={`Rebook now (${policy.window}${occurrence.rebookBy ? `: by ${formatDate(occurrence.rebookBy)}` : ''})`} />
            {rebook ? (
              <>
                <Field label="New date" validationMessage={fieldError('rebook')}>
                  <Input type="date" value={date} min={today()} max={occurrence.rebookBy} onChange={(_e, d) => setDate(d.value)} />
                </Field>
                <Field label="New start time">
                  <Input type="time" value={time} onChange={(_e, d) => setTime(d.value)} />
                </Field>
              </>
            ) : null}
            {error && !['reason', 'rebook.date', 'rebook.time'].includes(error.field ?? '') ? <ErrorMessage error={error} /> : null}
          </DialogContent>
          <DialogActions>
            <Button onClick={onClose}>Keep the session</Button>
            <Button appearance="primary" onClick={() => void submit()}>
              Cancel session
            </Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}

export function OccurrenceTable({ superviseeId, data, onChange }: { superviseeId: string; data: Occurrences; onChange: (o: OccurrenceView[]) => void }) {
  const shared = useShared();
  const [dialog, setDialog] = useState<DialogState>(null);
  const [error, setError] = useState<ApiError>();
  const [notice, setNotice] = useState<string>();
  const open = async (o: OccurrenceView) => {
    try {
      if (o.recordId) {
        navigate('record', o.recordId);
        return;
      }
      const record = await api.post<RecordView>(`/supervisees/${encodeURIComponent(superviseeId)}/records`, {
        kind: o.kind,
        sessionDate: o.date,
        ...(o.time ? { sessionStart: o.time } : {}),
        ...(o.id.startsWith('record:') ? {} : { eventId: o.id }),
      });
      navigate('record', record.record.id);
    } catch (e) {
      setError(e as ApiError);
    }
  };
  const status = (o: OccurrenceView) => (o.status === 'cancelled' ? `Cancelled${o.cancellation?.reason ? ` (${o.cancellation.reason})` : ''}${o.cancellation?.rearrangedTo ? `, rearranged to ${formatDate(o.cancellation.rearrangedTo)}` : ''}` : o.status === 'held' ? 'Held' : 'Planned');
  return (
    <div className={shared.section}>
      <ErrorMessage error={error} />
      {notice ? (
        <MessageBar intent="success">
          <MessageBarBody>{notice}</MessageBarBody>
        </MessageBar>
      ) : null}
      <Table aria-label="Sessions" size="small">
        <TableHeader>
          <TableRow>
            <TableHeaderCell>Date</TableHeaderCell>
            <TableHeaderCell>Time</TableHeaderCell>
            <TableHeaderCell>Kind</TableHeaderCell>
            <TableHeaderCell>Status</TableHeaderCell>
            <TableHeaderCell>Record</TableHeaderCell>
            <TableHeaderCell>Actions</TableHeaderCell>
          </TableRow>
        </TableHeader>
        <TableBody>
          {data.occurrences.map((o) => (
            <TableRow key={o.id} data-testid="occurrence-row">
              <TableCell>
                {formatDate(o.date)}
                {o.date !== o.originalDate ? <Text className={shared.muted}> (moved from {formatDate(o.originalDate)})</Text> : null}
              </TableCell>
              <TableCell>{o.time ?? '—'}</TableCell>
              <TableCell>{o.kind}</TableCell>
              <TableCell>{status(o)}</TableCell>
              <TableCell>{o.recordStatus ?? '—'}</TableCell>
              <TableCell>
                <div className={shared.row}>
                  {o.status !== 'cancelled' ? (
                    <Button size="small" onClick={() => void open(o)} aria-label={`${o.recordId ? 'Open' : 'Write'} record for ${formatDate(o.date)}`}>
                      {o.recordId ? 'Open record' : 'Write record'}
                    </Button>
                  ) : null}
                  {o.status === 'planned' && o.scheduleId ? (
                    <>
                      <Button size="small" onClick={() => setDialog({ kind: 'reschedule', occurrence: o })} aria-label={`Move session of ${formatDate(o.date)}`}>
                        Move
                      </Button>
                      <Button size="small" onClick={() => setDialog({ kind: 'cancel', occurrence: o })} aria-label={`Cancel session of ${formatDate(o.date)}`}>
                        Cancel
                      </Button>
                    </>
                  ) : null}
                </div>
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {data.occurrences.some((o) => o.status === 'planned' && o.scheduleId) ? (
        <div>
          <Button onClick={() => setDialog({ kind: 'series', occurrence: data.occurrences.find((o) => o.status === 'planned' && o.scheduleId)! })}>Move the rest of the series…</Button>
        </div>
      ) : null}
      {dialog?.kind === 'reschedule' ? (
        <RescheduleDialog
          superviseeId={superviseeId}
          occurrence={dialog.occurrence}
          onClose={() => setDialog(null)}
          onDone={(o) => {
            setDialog(null);
            setNotice('Session moved; the meeting is updated in Outlook.');
            onChange(o);
          }}
        />
      ) : null}
      {dialog?.kind === 'series' ? <SeriesDialog superviseeId={superviseeId} occurrence={dialog.occurrence} onClose={() => setDialog(null)} onDone={onChange} /> : null}
      {dialog?.kind === 'cancel' ? (
        <CancelDialog
          superviseeId={superviseeId}
          occurrence={dialog.occurrence}
          policy={data.cancellationPolicy}
          onClose={() => setDialog(null)}
          onDone={(r) => {
            setDialog(null);
            setNotice(`Session cancelled (${r.cancellation.reason ?? 'no reason'}), original date ${formatDate(r.cancellation.originalDate)} recorded${r.rebooked ? `; rebooked for ${formatDate(r.rebooked.date)} at ${r.rebooked.time}` : ''}.`);
            onChange(r.occurrences);
          }}
        />
      ) : null}
    </div>
  );
}

export default function Schedule({ id }: { id?: string }) {
  const shared = useShared();
  const team = useResource<Team>('/team');
  const [superviseeId, setSuperviseeId] = useState(id);
  const occurrences = useResource<Occurrences>(superviseeId ? `/supervisees/${encodeURIComponent(superviseeId)}/occurrences` : null);
  const [booking, setBooking] = useState<BookingResponse>();
  const confirmation = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (booking && occurrences.data) confirmation.current?.focus();
  }, [booking, occurrences.data]);
  const booked = useMemo(() => occurrences.data?.schedules.some((s) => s.status === 'booked') ?? false, [occurrences.data]);
  const name = occurrences.data?.supervisee.displayName;

  return (
    <div className={shared.page}>
      <PageHeading title={name ? `Schedule: ${name}` : 'Schedule supervision'} />
      <ErrorMessage error={team.error ?? occurrences.error} />
      {team.loading || (superviseeId && occurrences.loading && !occurrences.data) ? <Loading /> : null}
      {booking ? (
        <div ref={confirmation} tabIndex={-1} role="status">
          <MessageBar intent="success">
            <MessageBarBody>
              <MessageBarTitle>Booked</MessageBarTitle>
              {booking.unchanged
                ? 'Already booked; nothing changed.'
                : `${booking.series} recurring series and ${booking.singles} single meetings on ${weekdayNames[booking.weekday]} at ${booking.time}: ${booking.occurrences.length} sessions, listed below.`}
              {booking.warnings.length > 0 ? ` ${booking.warnings.join(' ')}` : ''}
            </MessageBarBody>
          </MessageBar>
        </div>
      ) : null}
      {team.data && (!superviseeId || (occurrences.data && !booked)) ? (
        <Wizard
          team={team.data}
          {...(superviseeId ? { initial: superviseeId } : {})}
          onBooked={(b, chosen) => {
            setBooking(b);
            // The address follows the supervisee without reloading the view (no hashchange).
            window.history.replaceState(null, '', href('schedule', chosen));
            if (chosen === superviseeId) void occurrences.reload();
            else setSuperviseeId(chosen);
          }}
        />
      ) : null}
      {superviseeId && occurrences.data && booked ? (
        <section className={shared.section} aria-labelledby="sessions-heading">
          <h2 id="sessions-heading">Sessions</h2>
          <OccurrenceTable superviseeId={superviseeId} data={occurrences.data} onChange={(o) => occurrences.setData({ ...occurrences.data!, occurrences: o })} />
        </section>
      ) : null}
    </div>
  );
}
