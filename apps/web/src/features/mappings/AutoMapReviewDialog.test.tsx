import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';

import type { AutoMapProposal, AutoMapProposalList } from '../../api/types.js';
import { AutoMapReviewDialog } from './AutoMapReviewDialog.js';

afterEach(cleanup);

const isChecked = (el: HTMLElement) => (el as HTMLInputElement).checked;
const isDisabled = (el: HTMLElement) => (el as HTMLButtonElement | HTMLInputElement).disabled;

let next = 0;
const id = () => `0190a1b2-0000-7000-8000-${String(++next).padStart(12, '0')}`;
const proposal = (over: Partial<AutoMapProposal> & Pick<AutoMapProposal, 'workspaceName' | 'companyName'>) =>
  ({
    workspaceId: id(),
    companyId: String(++next),
    match: 'exact',
    score: 1,
    isPreselected: true,
    exclusion: null,
    note: null,
    ...over,
  }) satisfies AutoMapProposal;

function list(): AutoMapProposalList {
  const items = [
    proposal({ workspaceName: 'Acme Corporation', companyName: 'Acme Corporation' }),
    proposal({ workspaceName: 'Blue Harbor', companyName: 'Blue Harbor' }),
    proposal({
      workspaceName: 'Evergreen Law Group',
      companyName: 'Evergreen Law Group LLP',
      match: 'similar',
      score: 0.884,
      isPreselected: false,
    }),
    proposal({
      workspaceName: 'Hollow Creek Farms',
      companyName: 'Hollow Creek Farms',
      isPreselected: false,
      exclusion: 'inactive_company',
      note: 'Inactive in Autotask.',
    }),
  ];
  return { items, counts: { exact: 2, similar: 1, excluded: 1, unmatched: 3 } };
}

function renderDialog(proposals: AutoMapProposalList = list()) {
  const onApply = vi.fn();
  render(
    <AutoMapReviewDialog
      open
      psaName="Autotask"
      proposals={proposals}
      isApplying={false}
      onApply={onApply}
      onClose={() => undefined}
    />,
  );
  return { onApply, dialog: screen.getByRole('dialog', { name: 'Review auto-map' }) };
}

describe('AutoMapReviewDialog', () => {
  it('pre-selects the exact names only and applies exactly the checked pairs', async () => {
    const user = userEvent.setup();
    const proposals = list();
    const { onApply, dialog } = renderDialog(proposals);
    expect(
      isChecked(within(dialog).getByRole('checkbox', { name: 'Acme Corporation → Acme Corporation' })),
    ).toBe(true);
    const evergreen = within(dialog).getByRole('checkbox', {
      name: 'Evergreen Law Group → Evergreen Law Group LLP',
    });
    expect(isChecked(evergreen)).toBe(false);
    expect(within(dialog).getByText('Similar name · 88% match')).toBeTruthy();
    expect(within(dialog).queryByText(/100%/)).toBeNull();
    const hollow = within(dialog).getByRole('checkbox', { name: 'Hollow Creek Farms → Hollow Creek Farms' });
    expect(isDisabled(hollow)).toBe(true);
    expect(within(dialog).getByText('Company inactive in Autotask')).toBeTruthy();

    // Keyboard: unselect Blue Harbor, select Evergreen.
    within(dialog).getByRole('checkbox', { name: 'Blue Harbor → Blue Harbor' }).focus();
    await user.keyboard(' ');
    await user.tab();
    expect(document.activeElement).toBe(evergreen);
    await user.keyboard(' ');
    await user.click(within(dialog).getByRole('button', { name: 'Apply 2 mappings' }));
    const [acme, , ever] = proposals.items;
    expect(onApply).toHaveBeenCalledWith([
      { workspaceId: acme!.workspaceId, companyId: acme!.companyId },
      { workspaceId: ever!.workspaceId, companyId: ever!.companyId },
    ]);
  });

  it('selects all that can be applied, or none', async () => {
    const user = userEvent.setup();
    const { dialog } = renderDialog();
    await user.click(within(dialog).getByRole('button', { name: 'Select all' }));
    expect(isDisabled(within(dialog).getByRole('button', { name: 'Apply 3 mappings' }))).toBe(false);
    await user.click(within(dialog).getByRole('button', { name: 'Select none' }));
    expect(isDisabled(within(dialog).getByRole('button', { name: 'Apply 0 mappings' }))).toBe(true);
  });

  it('refuses one company for two workspaces, and pages a long list', async () => {
    const user = userEvent.setup();
    const many = list();
    const shared = proposal({
      workspaceName: 'Acme Corp (old)',
      companyName: 'Acme Corporation',
      match: 'similar',
      score: 0.7,
      isPreselected: false,
    });
    const filler = Array.from({ length: 30 }, (_, i) =>
      proposal({
        workspaceName: `Zeta ${i}`,
        companyName: `Zeta ${i} Inc`,
        match: 'similar',
        score: 0.6,
        isPreselected: false,
      }),
    );
    const { dialog } = renderDialog({
      items: [...many.items, { ...shared, companyId: many.items[0]!.companyId }, ...filler],
      counts: { ...many.counts, similar: 32 },
    });
    await user.click(within(dialog).getByRole('checkbox', { name: 'Acme Corp (old) → Acme Corporation' }));
    expect(within(dialog).getByRole('alert').textContent).toContain('Acme Corporation is selected twice');
    expect(isDisabled(within(dialog).getByRole('button', { name: 'Apply 3 mappings' }))).toBe(true);
    expect(within(dialog).getAllByRole('checkbox')).toHaveLength(25);
    await user.click(within(dialog).getByRole('button', { name: 'Go to next page' }));
    expect(within(dialog).getAllByRole('checkbox')).toHaveLength(10);
  });
});
