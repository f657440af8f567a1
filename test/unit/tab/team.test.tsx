// @vitest-environment jsdom
import { FluentProvider, teamsLightTheme } from '@fluentui/react-components';
import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { TeamMember } from '../../../src/server/api/schemas.js';
import { TeamTable } from '../../../tab/src/views/MyTeam.js';

function member(i: number): TeamMember {
  return {
    person: { id: `p-${i}`, displayName: `Person ${String(i).padStart(3, '0')}`, mail: `p${i}@example.org` },
    role: 'social-worker',
    roleLabel: 'Social worker',
    team: 'Assessment North',
    start: '2026-01-05',
    cadence: 'at least once every calendar month',
    lastHeld: i % 3 === 0 ? null : '2026-05-20',
    nextDue: '2026-06-30',
    nextBooked: i % 2 === 0 ? '2026-06-24' : null,
    booked: i % 2 === 0,
    status: i % 3 === 0 ? 'overdue' : i % 3 === 1 ? 'due-soon' : 'on-track',
    why: { subject: 'no supervision held in 2026-05', ruleId: 'roles/social-worker/one-to-one/monthly', source: { ref: '002_x.txt § Appendix 3', text: 'Appendix 3: “at least monthly”' } },
    agreement: { state: 'signed', due: '2027-01-05' },
    unsignedRecords: i % 4,
    overdueActions: i % 5 === 0 ? 1 : 0,
    caseDiscussionsDue: 0,
  };
}

afterEach(cleanup);

describe('My team table', () => {
  it('renders 500 supervisees as a virtualised table: every row counted, only a window in the DOM', () => {
    const members = Array.from({ length: 500 }, (_x, i) => member(i));
    render(
      <FluentProvider theme={teamsLightTheme}>
        <TeamTable members={members} />
      </FluentProvider>,
    );
    const table = screen.getByRole('table', { name: 'Supervisees' });
    expect(table.getAttribute('aria-rowcount')).toBe('501');
    const rows = within(table).getAllByRole('row');
    expect(rows.length).toBeGreaterThan(1);
    expect(rows.length).toBeLessThan(40);
    expect(within(table).getAllByRole('columnheader').map((c) => c.textContent)).toEqual(['Supervisee', 'Role and cadence', 'Last held', 'Next due', 'Status and why', 'Agreement', 'To do']);
  });

  it('shows status, why with its policy source, and links each supervisee to their schedule', () => {
    render(
      <FluentProvider theme={teamsLightTheme}>
        <TeamTable members={[member(0), member(1)]} />
      </FluentProvider>,
    );
    const link = screen.getByRole('link', { name: 'Person 000' });
    expect(link.getAttribute('href')).toBe('#/schedule/p-0');
    expect(screen.getByText('Overdue')).toBeTruthy();
    expect(screen.getByText('Due soon')).toBeTruthy();
    expect(screen.getAllByText('Policy: 002_x.txt § Appendix 3')).toHaveLength(2);
    expect(screen.getByRole('button', { name: 'Agreement for Person 001' })).toBeTruthy();
  });
});
