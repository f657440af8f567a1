/**
 * My team: every supervisee with role, cadence, last held, next due, status and why, agreement
 * state and what needs doing. A virtualised table, so 500 supervisees scroll as smoothly as 5.
 */
import { Badge, Button, Link, Text, makeStyles, mergeClasses, tokens } from '@fluentui/react-components';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useMemo, useRef, type CSSProperties } from 'react';
import type { Team, TeamMember } from '../../../src/server/api/schemas.js';
import { ErrorMessage, Loading, PageHeading, SourceNote, StatusBadge, formatDate, useStyles as useShared } from '../components.js';
import { href, navigate } from '../routing.js';
import { useResource } from '../useResource.js';
import { CancellationBanner } from './CancellationBanner.js';

const columns = 'minmax(180px, 1.4fr) minmax(160px, 1.2fr) 110px 110px minmax(220px, 2fr) 130px 150px';
const rowHeight = 112;

const useStyles = makeStyles({
  table: {
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
    backgroundColor: tokens.colorNeutralBackground1,
    overflowX: 'auto',
  },
  header: {
    display: 'grid',
    gridTemplateColumns: columns,
    gap: tokens.spacingHorizontalM,
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalM}`,
    borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    fontWeight: tokens.fontWeightSemibold,
    minWidth: '1100px',
  },
  viewport: { maxHeight: 'min(65vh, 720px)', overflowY: 'auto', minWidth: '1100px' },
  row: {
    display: 'grid',
    gridTemplateColumns: columns,
    gap: tokens.spacingHorizontalM,
    alignItems: 'start',
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalM}`,
    borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke3}`,
    boxSizing: 'border-box',
    ':focus-within': { backgroundColor: tokens.colorNeutralBackground1Hover },
  },
  cell: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXXS, minWidth: 0 },
  oneLine: { display: 'block', whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis', maxWidth: '100%' },
  clamp: { display: '-webkit-box', WebkitLineClamp: '2', WebkitBoxOrient: 'vertical', overflow: 'hidden' },
  actions: { display: 'flex', gap: tokens.spacingHorizontalXS, flexWrap: 'wrap' },
  summary: { display: 'flex', gap: tokens.spacingHorizontalS, flexWrap: 'wrap' },
});

const agreementText: Record<TeamMember['agreement']['state'], string> = {
  none: 'Not started',
  late: 'Missing (late)',
  draft: 'Draft',
  'awaiting-supervisee': 'Awaiting supervisee',
  signed: 'Signed',
  'review-due': 'Review due',
};

function Row({ member, index, style }: { member: TeamMember; index: number; style: CSSProperties }) {
  const styles = useStyles();
  const shared = useShared();
  return (
    <div role="row" aria-rowindex={index + 2} className={styles.row} style={style} data-testid="team-row">
      <div role="cell" className={styles.cell}>
        <Link href={href('schedule', member.person.id)}>{member.person.displayName}</Link>
        <Text size={200} className={shared.muted}>
          {member.team}
        </Text>
      </div>
      <div role="cell" className={styles.cell}>
        <Text className={styles.clamp} title={member.roleLabel}>
          {member.roleLabel}
        </Text>
        <Text size={200} className={mergeClasses(shared.muted, styles.clamp)} title={member.cadence}>
          {member.cadence}
        </Text>
      </div>
      <div role="cell" className={styles.cell}>
        {formatDate(member.lastHeld)}
      </div>
      <div role="cell" className={styles.cell}>
        <Text>{formatDate(member.nextDue)}</Text>
        {member.nextBooked ? (
          <Text size={200} className={shared.muted}>
            booked {formatDate(member.nextBooked)}
          </Text>
        ) : (
          <Text size={200} className={shared.muted}>
            not booked
          </Text>
        )}
      </div>
      <div role="cell" className={styles.cell}>
        <StatusBadge status={member.status} />
        <Text size={200} className={styles.clamp} title={member.why.subject}>
          {member.why.subject}
        </Text>
        <SourceNote source={member.why.source} className={styles.oneLine} />
      </div>
      <div role="cell" className={styles.cell}>
        <Text>{agreementText[member.agreement.state]}</Text>
        {member.agreement.due ? (
          <Text size={200} className={shared.muted}>
            {member.agreement.state === 'signed' ? 'review' : 'due'} {formatDate(member.agreement.due)}
          </Text>
        ) : null}
      </div>
      <div role="cell" className={mergeClasses(styles.cell)}>
        <div className={styles.summary}>
          {member.unsignedRecords > 0 ? <Badge appearance="outline">{member.unsignedRecords} unsigned</Badge> : null}
          {member.overdueActions > 0 ? (
            <Badge appearance="outline" color="danger">
              {member.overdueActions} actions overdue
            </Badge>
          ) : null}
          {member.caseDiscussionsDue > 0 ? (
            <Badge appearance="outline" color="warning">
              {member.caseDiscussionsDue} case items
            </Badge>
          ) : null}
        </div>
        <div className={styles.actions}>
          <Button size="small" onClick={() => navigate('agreement', member.person.id)} aria-label={`Agreement for ${member.person.displayName}`}>
            Agreement
          </Button>
        </div>
      </div>
    </div>
  );
}

export function TeamTable({ members }: { members: TeamMember[] }) {
  const styles = useStyles();
  const viewport = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: members.length, getScrollElement: () => viewport.current, estimateSize: () => rowHeight, overscan: 8 });
  const items = virtualizer.getVirtualItems();
  // Without layout (first paint, jsdom) render a first screenful rather than nothing.
  const rows = items.length > 0 ? items : members.slice(0, 12).map((_m, index) => ({ index, key: index, start: index * rowHeight, size: rowHeight }));
  return (
    <div role="table" aria-label="Supervisees" aria-rowcount={members.length + 1} className={styles.table}>
      <div role="rowgroup">
        <div role="row" aria-rowindex={1} className={styles.header}>
          {['Supervisee', 'Role and cadence', 'Last held', 'Next due', 'Status and why', 'Agreement', 'To do'].map((c) => (
            <div role="columnheader" key={c}>
              {c}
            </div>
          ))}
        </div>
      </div>
      <div role="rowgroup" ref={viewport} className={styles.viewport} tabIndex={-1}>
        <div style={{ height: `${virtualizer.getTotalSize() || members.length * rowHeight}px`, position: 'relative' }}>
          {rows.map((item) => (
            <Row
              key={members[item.index]!.person.id}
              member={members[item.index]!}
              index={item.index}
              style={{ position: 'absolute', top: 0, left: 0, width: '100%', height: `${item.size}px`, transform: `translateY(${item.start}px)` }}
            />
          ))}
        </div>
      </div>
    </div>
  );
}

export default function MyTeam() {
  const shared = useShared();
  const team = useResource<Team>('/team');
  const counts = useMemo(() => {
    const members = team.data?.members ?? [];
    return { overdue: members.filter((m) => m.status === 'overdue').length, soon: members.filter((m) => m.status === 'due-soon').length, total: members.length };
  }, [team.data]);
  return (
    <div className={shared.page}>
      <PageHeading title="My team">
        {team.data ? `${counts.total} supervisees · ${counts.overdue} overdue · ${counts.soon} due soon · as of ${formatDate(team.data.asOf)}` : null}
      </PageHeading>
      <ErrorMessage error={team.error} />
      <CancellationBanner onChanged={() => void team.reload()} />
      {team.loading && !team.data ? <Loading label="Loading your team" /> : null}
      {team.data && team.data.members.length === 0 ? <Text>You have no supervisees.</Text> : null}
      {team.data && team.data.members.length > 0 ? <TeamTable members={team.data.members} /> : null}
    </div>
  );
}
