/** Small pieces every view uses: page heading, errors, policy sources, statuses, dates. */
import { Badge, MessageBar, MessageBarBody, MessageBarTitle, Spinner, Text, Tooltip, makeStyles, mergeClasses, tokens } from '@fluentui/react-components';
import type { ReactNode } from 'react';
import type { SessionStatus, SourceView } from '../../src/server/api/schemas.js';
import type { ApiError } from './api.js';

export const useStyles = makeStyles({
  page: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL, maxWidth: '1200px' },
  section: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  row: { display: 'flex', gap: tokens.spacingHorizontalM, flexWrap: 'wrap', alignItems: 'end' },
  muted: { color: tokens.colorNeutralForeground3 },
  source: { color: tokens.colorNeutralForeground2, fontSize: tokens.fontSizeBase200 },
  card: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
    padding: tokens.spacingVerticalM,
    borderRadius: tokens.borderRadiusMedium,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    backgroundColor: tokens.colorNeutralBackground1,
  },
  table: { width: '100%' },
});

export function PageHeading({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <header>
      <h1 style={{ margin: 0, fontSize: tokens.fontSizeBase600, fontWeight: tokens.fontWeightSemibold, lineHeight: tokens.lineHeightBase600 }}>{title}</h1>
      {children ? <Text>{children}</Text> : null}
    </header>
  );
}

export function ErrorMessage({ error, title = 'Something went wrong' }: { error: ApiError | undefined; title?: string }) {
  if (!error) return null;
  return (
    <MessageBar intent="error" role="alert">
      <MessageBarBody>
        <MessageBarTitle>{title}</MessageBarTitle>
        {error.message}
      </MessageBarBody>
    </MessageBar>
  );
}

export function Loading({ label = 'Loading' }: { label?: string }) {
  return <Spinner label={label} size="small" />;
}

/** The policy's own words for a rule: reference visible, quote one hover or focus away. */
export function SourceNote({ source, prefix = 'Policy', className }: { source: SourceView; prefix?: string; className?: string }) {
  const styles = useStyles();
  return (
    <Tooltip content={source.text} relationship="description" withArrow>
      <span className={mergeClasses(styles.source, className)} tabIndex={0}>
        {prefix}: {source.ref}
      </span>
    </Tooltip>
  );
}

const statusText: Record<SessionStatus, string> = { 'on-track': 'On track', 'due-soon': 'Due soon', overdue: 'Overdue' };
const statusColour: Record<SessionStatus, 'success' | 'warning' | 'danger'> = { 'on-track': 'success', 'due-soon': 'warning', overdue: 'danger' };

export function StatusBadge({ status }: { status: SessionStatus }) {
  return (
    <Badge appearance="tint" color={statusColour[status]}>
      {statusText[status]}
    </Badge>
  );
}

const dateFormat = new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
const instantFormat = new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', timeZone: 'Europe/London' });

/** "Wed 27 May 2026" for a civil date (YYYY-MM-DD). */
export function formatDate(date: string | null | undefined): string {
  if (!date) return '—';
  return dateFormat.format(new Date(`${date}T00:00:00Z`));
}

export function formatInstant(instant: string | null | undefined): string {
  if (!instant) return '—';
  return instantFormat.format(new Date(instant));
}

export function today(): string {
  return new Date().toLocaleDateString('en-CA', { timeZone: 'Europe/London' });
}
