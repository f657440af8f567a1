/**
 * Compliance for line and service managers: on-time rate by month against the pack, overdue
 * counts by kind, per team and person, with charts and a CSV export. A person's page lists
 * each finding with the rule and seed section, and each session held on time or not.
 */
import { Button, Link, Select, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow, Text, makeStyles, tokens } from '@fluentui/react-components';
import { GroupedVerticalBarChart, HorizontalBarChartWithAxis } from '@fluentui/react-charts';
import { useState } from 'react';
import type { Compliance as ComplianceData, PersonCompliance } from '../../../src/server/api/schemas.js';
import { api, type ApiError } from '../api.js';
import { ErrorMessage, Loading, PageHeading, SourceNote, StatusBadge, formatDate, useStyles as useShared } from '../components.js';
import { href } from '../routing.js';
import { useResource } from '../useResource.js';
import Cover from './Cover.js';

const useStyles = makeStyles({
  charts: { display: 'grid', gridTemplateColumns: 'repeat(auto-fit, minmax(360px, 1fr))', gap: tokens.spacingHorizontalL },
  chart: { minHeight: '300px' },
});

function percent(rate: number | null): string {
  return rate === null ? '—' : `${Math.round(rate * 100)}%`;
}

function Charts({ data }: { data: Pick<ComplianceData, 'monthly'> & { overdueByKind?: ComplianceData['overdueByKind'] } }) {
  const styles = useStyles();
  const shared = useShared();
  const monthly = data.monthly.map((m) => ({
    name: m.month,
    series: [
      { key: 'due', data: m.due, legend: 'Due', color: tokens.colorPaletteBlueBorderActive, yAxisCalloutData: `${m.due} due` },
      { key: 'on-time', data: m.onTime, legend: 'Held on time', color: tokens.colorPaletteGreenBorderActive, yAxisCalloutData: `${m.onTime} on time (${percent(m.rate)})` },
    ],
  }));
  const kinds = (data.overdueByKind ?? []).map((k) => ({ x: k.count, y: k.label, legend: k.label }));
  return (
    <div className={styles.charts}>
      <figure className={shared.card} aria-labelledby="chart-monthly">
        <figcaption id="chart-monthly">
          <Text weight="semibold">Sessions due and held on time, by month</Text>
        </figcaption>
        <div className={styles.chart}>
          <GroupedVerticalBarChart chartTitle="Sessions due and held on time, by month" data={monthly} height={280} />
        </div>
        <Text size={200}>{data.monthly.map((m) => `${m.month}: ${percent(m.rate)} (${m.onTime}/${m.due})`).join(' · ')}</Text>
      </figure>
      {data.overdueByKind ? (
        <figure className={shared.card} aria-labelledby="chart-kinds">
          <figcaption id="chart-kinds">
            <Text weight="semibold">Overdue now, by kind</Text>
          </figcaption>
          <div className={styles.chart}>{kinds.length > 0 ? <HorizontalBarChartWithAxis chartTitle="Overdue items by kind" data={kinds} height={Math.max(160, kinds.length * 48)} useSingleColor hideLegend showYAxisLables yAxisPadding={0.4} margins={{ left: 170, right: 30, top: 10, bottom: 35 }} /> : <Text>Nothing overdue.</Text>}</div>
          <Text size={200}>{(data.overdueByKind ?? []).map((k) => `${k.label}: ${k.count}`).join(' · ')}</Text>
        </figure>
      ) : null}
    </div>
  );
}

function Person({ id }: { id: string }) {
  const shared = useShared();
  const person = useResource<PersonCompliance>(`/compliance/people/${encodeURIComponent(id)}`);
  if (person.error) return <ErrorMessage error={person.error} />;
  if (!person.data) return <Loading />;
  const p = person.data;
  return (
    <div className={shared.page}>
      <PageHeading title={`Compliance: ${p.person.displayName}`}>
        {p.roleLabel} · {p.team} · as of {formatDate(p.asOf)}
      </PageHeading>
      <div>
        <StatusBadge status={p.status} /> <Link href={href('compliance')}>Back to everyone</Link>
      </div>
      <Charts data={p} />
      <section className={shared.section} aria-labelledby="findings-heading">
        <h2 id="findings-heading">What is due, overdue or late</h2>
        {p.findings.length === 0 ? <Text>Nothing due or late.</Text> : null}
        {p.findings.length > 0 ? (
          <Table aria-label="Findings" size="small">
            <TableHeader>
              <TableRow>
                <TableHeaderCell>What</TableHeaderCell>
                <TableHeaderCell>Due</TableHeaderCell>
                <TableHeaderCell>Late by</TableHeaderCell>
                <TableHeaderCell>Why (policy)</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {p.findings.map((f, i) => (
                <TableRow key={`${f.kind}-${i}`}>
                  <TableCell>{f.subject}</TableCell>
                  <TableCell>{f.due.length > 10 ? f.due.slice(0, 16).replace('T', ' ') : formatDate(f.due)}</TableCell>
                  <TableCell>{f.overdueBy > 0 ? `${f.overdueBy} days` : 'not yet'}</TableCell>
                  <TableCell>
                    <SourceNote source={f.source} />
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        ) : null}
      </section>
      <section className={shared.section} aria-labelledby="sessions-heading">
        <h2 id="sessions-heading">Sessions</h2>
        <Table aria-label="Sessions held" size="small">
          <TableHeader>
            <TableRow>
              <TableHeaderCell>Date</TableHeaderCell>
              <TableHeaderCell>Kind</TableHeaderCell>
              <TableHeaderCell>Status</TableHeaderCell>
              <TableHeaderCell>On time</TableHeaderCell>
              <TableHeaderCell>Record</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {p.sessions.map((s, i) => (
              <TableRow key={`${s.date}-${i}`} data-testid="compliance-session">
                <TableCell>{formatDate(s.date)}</TableCell>
                <TableCell>{s.kind}</TableCell>
                <TableCell>{s.status}</TableCell>
                <TableCell>{s.onTime === null ? '—' : s.onTime ? `Held on time (due by ${formatDate(s.dueBy)})` : `Late (due by ${formatDate(s.dueBy)})`}</TableCell>
                <TableCell>{s.recordStatus ?? '—'}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </section>
    </div>
  );
}

export default function Compliance({ id }: { id?: string }) {
  const shared = useShared();
  const [team, setTeam] = useState('');
  const data = useResource<ComplianceData>(`/compliance${team ? `?team=${encodeURIComponent(team)}` : ''}`);
  const [error, setError] = useState<ApiError>();
  const [teams, setTeams] = useState<string[]>([]);
  if (data.data && teams.length === 0 && data.data.teams.length > 0 && !team) setTeams(data.data.teams.map((t) => t.team));
  if (id) return <Person id={id} />;
  const c = data.data;
  const exportCsv = async () => {
    try {
      await api.download(`/compliance.csv${team ? `?team=${encodeURIComponent(team)}` : ''}`, `supervision-compliance${team ? `-${team.replace(/\W+/g, '-').toLowerCase()}` : ''}.csv`);
    } catch (e) {
      setError(e as ApiError);
    }
  };
  return (
    <div className={shared.page}>
      <PageHeading title="Compliance">{c ? `As of ${formatDate(c.asOf)} · ${c.people.length} people` : null}</PageHeading>
      <div className={shared.row}>
        <div>
          <label htmlFor="team-filter">Team</label>
          <Select id="team-filter" value={team} onChange={(_e, d) => setTeam(d.value)}>
            <option value="">All teams</option>
            {teams.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </Select>
        </div>
        <Button onClick={() => void exportCsv()}>Export CSV</Button>
      </div>
      <ErrorMessage error={data.error ?? error} />
      {!c ? <Loading label="Working out compliance" /> : null}
      {c ? (
        <>
          <Charts data={c} />
          <section className={shared.section} aria-labelledby="teams-heading">
            <h2 id="teams-heading">Teams</h2>
            <Table aria-label="Teams" size="small">
              <TableHeader>
                <TableRow>
                  <TableHeaderCell>Team</TableHeaderCell>
                  <TableHeaderCell>People</TableHeaderCell>
                  <TableHeaderCell>On track</TableHeaderCell>
                </TableRow>
              </TableHeader>
              <TableBody>
                {c.teams.map((t) => (
                  <TableRow key={t.team}>
                    <TableCell>{t.team}</TableCell>
                    <TableCell>{t.people}</TableCell>
                    <TableCell>
                      {t.onTrack} ({percent(t.onTrackRate)})
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </section>
          <section className={shared.section} aria-labelledby="people-heading">
            <h2 id="people-heading">People</h2>
            <Table aria-label="People" size="small">
              <TableHeader>
                <TableRow>
                  <TableHeaderCell>Person</TableHeaderCell>
                  <TableHeaderCell>Team</TableHeaderCell>
                  <TableHeaderCell>Status</TableHeaderCell>
                  <TableHeaderCell>On time</TableHeaderCell>
                  <TableHeaderCell>Overdue items</TableHeaderCell>
                  <TableHeaderCell>Last held</TableHeaderCell>
                  <TableHeaderCell>Next due</TableHeaderCell>
                </TableRow>
              </TableHeader>
              <TableBody>
                {c.people.map((p) => (
                  <TableRow key={p.person.id}>
                    <TableCell>
                      <Link href={href('compliance', p.person.id)}>{p.person.displayName}</Link>
                    </TableCell>
                    <TableCell>{p.team}</TableCell>
                    <TableCell>
                      <StatusBadge status={p.status} />
                    </TableCell>
                    <TableCell>{percent(p.onTimeRate)}</TableCell>
                    <TableCell>{p.breaches}</TableCell>
                    <TableCell>{formatDate(p.lastHeld)}</TableCell>
                    <TableCell>{formatDate(p.nextDue)}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </section>
        </>
      ) : null}
      <Cover />
    </div>
  );
}
