/**
 * The "Schedule supervision" task pane on an appointment the organiser is composing: the first
 * required attendee is looked up among the organiser's supervisees, the policy cadence is shown
 * with its source, and the organiser either applies it as the appointment's recurrence or books
 * the phased plan through the API.
 */
import { Body1, Button, Caption1, MessageBar, MessageBarBody, MessageBarTitle, Spinner, Subtitle2, Text, Title3, makeStyles, tokens } from '@fluentui/react-components';
import { useCallback, useEffect, useState } from 'react';
import type { BookingResponse, PlanView, Team, TeamMember } from '../../src/server/api/schemas.js';
import { api, setCredentials } from '../src/api.js';
import { credentialsFor, paneConfig } from './auth.js';
import { requiredAttendees, setRecurrence, type AppointmentItem, type OfficeLike } from './office.js';
import { decide, londonToday, type Decision } from './recurrence.js';

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM, padding: tokens.spacingHorizontalL },
  sources: { margin: 0, paddingLeft: tokens.spacingHorizontalL, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  heading: { margin: 0 },
  section: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS },
  quote: { color: tokens.colorNeutralForeground2 },
});

export const notInOutlook = 'Open this from an Outlook appointment';

/** Shown when Office.js is absent or there is no appointment: nothing else renders. */
export function NotInOutlook() {
  const styles = useStyles();
  return (
    <main className={styles.root}>
      <Title3 as="h1" className={styles.heading}>{notInOutlook}</Title3>
      <Body1>Schedule supervision works on a meeting you organise in Outlook: open or create an appointment, add your supervisee as a required attendee, then choose Schedule supervision on the ribbon.</Body1>
    </main>
  );
}

type State =
  | { step: 'loading' }
  | { step: 'problem'; title: string; message: string }
  | { step: 'ready'; member: TeamMember; plan: PlanView; decision: Decision }
  | { step: 'working'; member: TeamMember; plan: PlanView; decision: Decision }
  | { step: 'done'; member: TeamMember; plan: PlanView; decision: Decision; title: string; message: string };

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function TaskPane({ office, item }: { office: OfficeLike; item: AppointmentItem }) {
  const styles = useStyles();
  const [state, setState] = useState<State>({ step: 'loading' });

  const load = useCallback(async () => {
    setState({ step: 'loading' });
    try {
      const organiser = office.context?.mailbox?.userProfile?.emailAddress;
      setCredentials(await credentialsFor(paneConfig(), organiser));
      const attendees = await requiredAttendees(office, item);
      const first = attendees[0];
      if (!first) {
        setState({ step: 'problem', title: 'No supervisee yet', message: 'Add your supervisee as a required attendee of this appointment, then choose Check again.' });
        return;
      }
      const team = await api.get<Team>('/team');
      const mail = first.emailAddress.toLowerCase();
      const member = team.members.find((m) => m.person.mail.toLowerCase() === mail);
      if (!member) {
        setState({ step: 'problem', title: 'Not one of your supervisees', message: `${first.displayName || first.emailAddress} is not one of your current supervisees, so there is no policy cadence to apply.` });
        return;
      }
      const plan = await api.get<PlanView>(`/supervisees/${encodeURIComponent(member.person.id)}/plan`);
      setState({ step: 'ready', member, plan, decision: decide(plan, londonToday()) });
    } catch (error) {
      setState({ step: 'problem', title: 'Could not load the supervisee', message: message(error) });
    }
  }, [office, item]);

  useEffect(() => {
    void load();
  }, [load]);

  if (state.step === 'loading') return <main className={styles.root}><Spinner label="Reading the appointment…" /></main>;
  if (state.step === 'problem') {
    return (
      <main className={styles.root}>
        <Title3 as="h1" className={styles.heading}>Schedule supervision</Title3>
        <MessageBar intent="warning">
          <MessageBarBody>
            <MessageBarTitle>{state.title}</MessageBarTitle>
            {state.message}
          </MessageBarBody>
        </MessageBar>
        <div>
          <Button onClick={() => void load()}>Check again</Button>
        </div>
      </main>
    );
  }

  const { member, plan, decision } = state;
  const apply = async () => {
    setState({ step: 'working', member, plan, decision });
    try {
      if (decision.kind === 'recurrence') {
        await setRecurrence(office, item, decision.spec);
        setState({
          step: 'done', member, plan, decision,
          title: 'Recurrence set',
          message: `This appointment now repeats every ${decision.interval === 1 ? 'week' : `${decision.interval} weeks`} on ${weekdayName(plan.weekday)} from ${decision.firstDate} at ${plan.time} until ${plan.until}. Check the details, then send it.`,
        });
      } else {
        const booking = await api.post<BookingResponse>('/bookings', { superviseeId: member.person.id });
        const count = booking.occurrences.length;
        setState({
          step: 'done', member, plan, decision,
          title: booking.unchanged ? 'Already booked' : 'Supervision booked',
          message: `${booking.unchanged ? 'The plan was already booked' : `Booked ${count} session${count === 1 ? '' : 's'}`} in your calendar with ${member.person.displayName}. Discard this draft appointment: the booked meetings replace it.`,
        });
      }
    } catch (error) {
      setState({ step: 'problem', title: decision.kind === 'recurrence' ? 'Could not set the recurrence' : 'Could not book the plan', message: message(error) });
    }
  };

  return (
    <main className={styles.root}>
      <Title3 as="h1" className={styles.heading}>Schedule supervision</Title3>
      <section className={styles.section} aria-labelledby="supervisee-heading">
        <Subtitle2 as="h2" className={styles.heading} id="supervisee-heading">
          {member.person.displayName}
        </Subtitle2>
        <Body1>{member.roleLabel}</Body1>
      </section>
      <section className={styles.section} aria-labelledby="cadence-heading">
        <Subtitle2 as="h2" className={styles.heading} id="cadence-heading">
          Policy cadence
        </Subtitle2>
        <Body1>{plan.cadence}</Body1>
        <ul className={styles.sources} aria-label="Where the policy says so">
          {(decision.kind === 'book' ? decision.phases : [decision.phase]).map((p) => (
            <li key={p.ruleId}>
              <Text weight="semibold">{p.label}</Text> <Caption1>({p.frequency})</Caption1>
              <br />
              <Caption1>Source: {p.source.ref}</Caption1>
              <br />
              <Caption1 className={styles.quote}>{p.source.text}</Caption1>
            </li>
          ))}
        </ul>
      </section>
      {state.step === 'done' ? (
        <MessageBar intent="success" role="status">
          <MessageBarBody>
            <MessageBarTitle>{state.title}</MessageBarTitle>
            {state.message}
          </MessageBarBody>
        </MessageBar>
      ) : (
        <>
          <Body1 as="p">
            {decision.kind === 'recurrence'
              ? `One weekly series fits this policy: every ${decision.interval === 1 ? 'week' : `${decision.interval} weeks`} on ${weekdayName(plan.weekday)} at ${plan.time}, from ${decision.firstDate}.`
              : `${decision.reason} The app books each phase as its own meetings; you then discard this draft.`}
          </Body1>
          <div>
            <Button appearance="primary" disabled={state.step === 'working'} onClick={() => void apply()}>
              {decision.kind === 'recurrence' ? 'Apply the recurrence to this appointment' : 'Book the phased plan'}
            </Button>
          </div>
          {state.step === 'working' ? <Spinner size="small" label={decision.kind === 'recurrence' ? 'Setting the recurrence…' : 'Booking…'} /> : null}
        </>
      )}
    </main>
  );
}

function weekdayName(day: PlanView['weekday']): string {
  return { mon: 'Mondays', tue: 'Tuesdays', wed: 'Wednesdays', thu: 'Thursdays', fri: 'Fridays' }[day];
}
