import Box from '@mui/material/Box';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';

import type { SyncImpact } from '../../api/sync-types.js';
import { formatDelta, formatMoney, plural } from '../../lib/format.js';

const companiesShown = 5;

/** Money per month, or the honest "no price" when the PSA reports none for any changed line. */
function monthly(impact: SyncImpact): string {
  if (impact.changes > 0 && impact.unpricedChanges === impact.changes) return 'no price reported';
  return `${formatMoney(impact.monthlyAmount, impact.currency)} per month`;
}

/**
 * What a set of changes does to the invoices, before anything is written: counts, units, the money
 * per month in the PSA's currency, the companies it moves most and the largest decreases.
 */
export function ImpactSummary({ impact, psaName }: { impact: SyncImpact; psaName: string }) {
  if (impact.changes === 0)
    return <Typography>No units change: applying writes nothing to {psaName}.</Typography>;
  const figures: [string, string][] = [
    ['Changes', String(impact.changes)],
    ['Units added', `+${impact.unitsAdded}`],
    ['Units removed', `−${impact.unitsRemoved}`],
    ['Invoices', monthly(impact)],
  ];
  return (
    <Stack spacing={2}>
      <Stack direction="row" sx={{ flexWrap: 'wrap', columnGap: 3, rowGap: 1 }}>
        {figures.map(([label, value]) => (
          <Box key={label}>
            <Typography variant="caption" color="text.secondary" component="p">
              {label}
            </Typography>
            <Typography variant="h6" component="p">
              {value}
            </Typography>
          </Box>
        ))}
      </Stack>
      {impact.unpricedChanges > 0 && impact.unpricedChanges < impact.changes ? (
        <Typography variant="body2" color="text.secondary">
          {plural(impact.unpricedChanges, 'change')} without a price in {psaName}{' '}
          {impact.unpricedChanges === 1 ? 'is' : 'are'} left out of the amount.
        </Typography>
      ) : null}
      {impact.currency === null && impact.unpricedChanges < impact.changes ? (
        <Typography variant="body2" color="text.secondary">
          Amounts are in the currency of your {psaName} prices.
        </Typography>
      ) : null}
      {impact.largestDecreases.length > 0 ? (
        <Box>
          <Typography variant="subtitle2" component="h3">
            Largest decreases
          </Typography>
          <Box sx={{ overflowX: 'auto' }}>
            <Table size="small" aria-label="Largest decreases">
              <TableHead>
                <TableRow>
                  <TableCell>Workspace · service</TableCell>
                  <TableCell align="right">Units</TableCell>
                  <TableCell align="right">Per month</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {impact.largestDecreases.map((d) => (
                  <TableRow key={d.lineId}>
                    <TableCell>
                      {d.workspaceName} · {d.serviceName}
                    </TableCell>
                    <TableCell align="right" sx={{ whiteSpace: 'nowrap' }}>
                      {d.fromUnits} → {d.toUnits} ({formatDelta(d.delta)})
                    </TableCell>
                    <TableCell align="right" sx={{ whiteSpace: 'nowrap' }}>
                      {d.monthlyAmount === null ? '—' : formatMoney(d.monthlyAmount, impact.currency)}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </Box>
        </Box>
      ) : null}
      {impact.byCompany.length > 1 ? (
        <Box>
          <Typography variant="subtitle2" component="h3">
            By customer
          </Typography>
          <Box component="ul" sx={{ m: 0, pl: 2.5 }}>
            {impact.byCompany.slice(0, companiesShown).map((c) => (
              <Typography component="li" variant="body2" key={c.companyId ?? c.workspaceName}>
                {c.workspaceName}: {plural(c.changes, 'change')}, +{c.unitsAdded} / −{c.unitsRemoved} units,{' '}
                {formatMoney(c.monthlyAmount, impact.currency)}
              </Typography>
            ))}
            {impact.byCompany.length > companiesShown ? (
              <Typography component="li" variant="body2" color="text.secondary">
                and {plural(impact.byCompany.length - companiesShown, 'more customer')}
              </Typography>
            ) : null}
          </Box>
        </Box>
      ) : null}
    </Stack>
  );
}
