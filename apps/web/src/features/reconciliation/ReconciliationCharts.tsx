import Box from '@mui/material/Box';

import type { Reconciliation, ReconciliationRow } from '../../api/reconciliation.api.js';

const money = new Intl.NumberFormat(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
export const formatMoney = (value: number | null): string => (value === null ? '—' : money.format(value));

/** The month's estimated charge by company, as horizontal bars (plain SVG: no chart library). */
export function EstimateByCompanyChart({ report }: { report: Reconciliation }) {
  const companies = report.companies.filter((c) => c.estimate > 0);
  const max = Math.max(1, ...companies.map((c) => c.estimate));
  const rowHeight = 22;
  const width = 560;
  const labelWidth = 200;
  return (
    <Box component="figure" sx={{ m: 0 }}>
      <svg
        role="img"
        aria-label="Estimated charge by company"
        width="100%"
        viewBox={`0 0 ${width} ${Math.max(rowHeight, companies.length * rowHeight)}`}
        style={{ maxWidth: width }}
      >
        {companies.map((c, i) => {
          const barWidth = ((width - labelWidth - 80) * c.estimate) / max;
          return (
            <g key={c.companyId ?? c.companyName} transform={`translate(0, ${i * rowHeight})`}>
              <text x={labelWidth - 8} y={15} textAnchor="end" fontSize={12} fill="currentColor">
                {c.companyName.length > 28 ? `${c.companyName.slice(0, 27)}…` : c.companyName}
              </text>
              <rect x={labelWidth} y={4} width={barWidth} height={14} fill="#3f6ad8" rx={2} />
              <text x={labelWidth + barWidth + 6} y={15} fontSize={12} fill="currentColor">
                {formatMoney(c.estimate)}
              </text>
            </g>
          );
        })}
      </svg>
      <Box component="figcaption" sx={{ typography: 'caption', color: 'text.secondary' }}>
        Estimated recurring charge of the month by company.
      </Box>
    </Box>
  );
}

/**
 * Count vs units over the month for one line: PSA units per sub-period as a step line, Coro's
 * min–max over the month as a band, the billing date as a tick.
 */
export function LineSparkline({
  row,
  month,
  billingDate,
}: {
  row: ReconciliationRow;
  month: string;
  billingDate: string;
}) {
  const width = 120;
  const height = 32;
  const [y, m] = month.split('-').map(Number) as [number, number];
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const dayOf = (iso: string) => Number(iso.slice(8, 10));
  const values = [...row.periods.map((p) => p.units), row.coroMin ?? 0, row.coroMax ?? 0];
  const top = Math.max(1, ...values);
  const yOf = (v: number) => height - 2 - ((height - 4) * v) / top;
  const xOf = (day: number) => ((day - 1) / days) * width;
  return (
    <svg
      width={width}
      height={height}
      role="img"
      aria-label={`Units ${row.periods.map((p) => p.units).join(', ') || 'none'}; Coro ${row.coroMin ?? '—'}–${row.coroMax ?? '—'}`}
    >
      {row.coroMin !== null && row.coroMax !== null ? (
        <rect
          x={0}
          width={width}
          y={yOf(row.coroMax) - 1}
          height={Math.max(2, yOf(row.coroMin) - yOf(row.coroMax) + 2)}
          fill="#f2b13a"
          opacity={0.35}
        />
      ) : null}
      {row.periods.map((p) => (
        <line
          key={p.startDate}
          x1={xOf(dayOf(p.startDate))}
          x2={xOf(dayOf(p.endDate) + 1)}
          y1={yOf(p.units)}
          y2={yOf(p.units)}
          stroke="#3f6ad8"
          strokeWidth={2}
        />
      ))}
      <line
        x1={xOf(dayOf(billingDate))}
        x2={xOf(dayOf(billingDate))}
        y1={0}
        y2={height}
        stroke="#999"
        strokeDasharray="2 2"
      />
    </svg>
  );
}
