/**
 * On My team: sessions cancelled, declined or moved in Outlook that still need the reason the
 * policy asks for, or a new date inside the pack's window. The same operations as the bot's
 * card (/api/cancellations/…), so answering in either place settles both.
 */
import { Button, Field, Input, MessageBar, MessageBarBody, MessageBarTitle, Radio, RadioGroup, Select, Text, makeStyles, tokens } from '@fluentui/react-components';
import { useState } from 'react';
import type { CancellationSlots, PendingCancellation, PendingCancellations } from '../../../src/server/api/schemas.js';
import { whatHappened } from '../../../src/records/cancellation-words.js';
import { api, ApiError } from '../api.js';
import { ErrorMessage, formatDate } from '../components.js';
import { useResource } from '../useResource.js';

const useStyles = makeStyles({
  banner: { marginBottom: tokens.spacingVerticalL },
  list: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM, margin: 0, padding: 0, listStyleType: 'none' },
  item: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
    padding: tokens.spacingVerticalS,
    borderTop: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
  },
  row: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'end', flexWrap: 'wrap' },
});

interface ItemProps {
  item: PendingCancellation;
  reasons: string[] | undefined;
  onChanged: () => void;
}

function useItem({ item, onChanged }: ItemProps) {
  const [reason, setReason] = useState('');
  const [offer, setOffer] = useState<CancellationSlots>();
  const [slot, setSlot] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();
  const run = async (work: () => Promise<unknown>, done?: () => void) => {
    setBusy(true);
    setError(undefined);
    try {
      await work();
      done?.();
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, 'INTERNAL', String(e)));
    } finally {
      setBusy(false);
    }
  };
  const id = encodeURIComponent(item.cancellation.id);
  return {
    reason,
    setReason,
    offer,
    slot,
    setSlot,
    busy,
    error,
    saveReason: () => run(() => api.post(`/cancellations/${id}/reason`, { reason }), onChanged),
    findTimes: () => run(async () => setOffer(await api.get<CancellationSlots>(`/cancellations/${id}/slots`))),
    rearrange: () =>
      run(() => api.post(`/cancellations/${id}/rearrange`, { date: slot.slice(0, 10), time: slot.slice(11), ...(item.needsReason && reason.trim() ? { reason } : {}) }), onChanged),
  };
}

function Item(props: ItemProps) {
  const styles = useStyles();
  const { item, reasons } = props;
  const state = useItem(props);
  const name = item.supervisee.displayName;
  const when = formatDate(item.cancellation.originalDate);
  return (
    <li className={styles.item} data-testid="pending-cancellation">
      <Text>
        <strong>{name}</strong>: the session on {when} {whatHappened[item.cancellation.origin]}.
        {item.cancellation.reason ? ` Reason: ${item.cancellation.reason}.` : ''}
        {item.needsRearranging ? ` Rearrange by ${formatDate(item.rebookBy)}.` : ''}
      </Text>
      {item.needsReason ? (
        <div className={styles.row}>
          <Field label={`Reason for ${name}'s session on ${when}`}>
            {reasons && reasons.length > 0 ? (
              <Select value={state.reason} onChange={(_e, data) => state.setReason(data.value)}>
                <option value="">Choose a reason</option>
                {reasons.map((r) => (
                  <option key={r} value={r}>
                    {r}
                  </option>
                ))}
              </Select>
            ) : (
              <Input value={state.reason} maxLength={1000} onChange={(_e, data) => state.setReason(data.value)} />
            )}
          </Field>
          <Button disabled={state.busy || !state.reason.trim()} onClick={() => void state.saveReason()}>
            Save reason
          </Button>
        </div>
      ) : null}
      {item.needsRearranging && !state.offer ? (
        <div className={styles.row}>
          <Button appearance="primary" disabled={state.busy} onClick={() => void state.findTimes()}>
            Find times to rearrange
          </Button>
        </div>
      ) : null}
      {state.offer && state.offer.slots.length === 0 ? <Text>No time when you are both free ({state.offer.window.words}). Agree one directly.</Text> : null}
      {state.offer && state.offer.slots.length > 0 ? (
        <div className={styles.row}>
          <Field label={`Free times (${state.offer.window.words})`}>
            <RadioGroup value={state.slot} onChange={(_e, data) => state.setSlot(data.value)}>
              {state.offer.slots.map((s) => (
                <Radio key={`${s.date}T${s.time}`} value={`${s.date}T${s.time}`} label={`${formatDate(s.date)} at ${s.time}`} />
              ))}
            </RadioGroup>
          </Field>
          <Button appearance="primary" disabled={state.busy || !state.slot} onClick={() => void state.rearrange()}>
            Rearrange
          </Button>
        </div>
      ) : null}
      <ErrorMessage error={state.error} title="That did not work" />
    </li>
  );
}

/** Nothing when nothing is pending; the banner otherwise. */
export function CancellationBanner({ onChanged }: { onChanged?: () => void }) {
  const styles = useStyles();
  const pending = useResource<PendingCancellations>('/cancellations/pending');
  const items = pending.data?.items ?? [];
  if (items.length === 0) return null;
  const changed = () => {
    void pending.reload();
    onChanged?.();
  };
  return (
    <section aria-label="Sessions that did not go ahead" className={styles.banner}>
      <MessageBar intent="warning" layout="multiline">
        <MessageBarBody>
          <MessageBarTitle>
            {items.length === 1 ? 'A supervision session did not go ahead' : `${items.length} supervision sessions did not go ahead`}
          </MessageBarTitle>
          <Text block>Your organisation asks for the reason and a new date ({pending.data?.policy.window}).</Text>
          <ul className={styles.list}>
            {items.map((item) => (
              <Item key={item.cancellation.id} item={item} reasons={pending.data?.policy.permittedReasons} onChanged={changed} />
            ))}
          </ul>
        </MessageBarBody>
      </MessageBar>
    </section>
  );
}
