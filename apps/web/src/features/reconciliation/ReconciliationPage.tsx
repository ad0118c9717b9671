import DownloadIcon from '@mui/icons-material/Download';
import PrintIcon from '@mui/icons-material/Print';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import Chip from '@mui/material/Chip';
import FormControlLabel from '@mui/material/FormControlLabel';
import GlobalStyles from '@mui/material/GlobalStyles';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useState } from 'react';

import {
  reconciliationCsvUrl,
  useReconciliation,
  type Reconciliation,
  type ReconciliationRow,
} from '../../api/reconciliation.api.js';
import { useChannel } from '../../app/channel-context.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { formatDate, formatDelta, plural } from '../../lib/format.js';
import { useConnectorContext } from '../connectors/ConnectorLayout.js';
import { EstimateByCompanyChart, LineSparkline, formatMoney } from './ReconciliationCharts.js';
import { MembersDialog, type MembersLine } from './MembersDialog.js';

const printStyles = (
  <GlobalStyles
    styles={{
      '@media print': {
        'header, nav, .no-print, [role="tablist"]': { display: 'none !important' },
        '.recon-per-company .recon-company': { breakBefore: 'page' },
        '.recon-per-company .recon-company:first-of-type': { breakBefore: 'auto' },
        'tr, .recon-company-head': { breakInside: 'avoid' },
      },
    }}
  />
);

/** The monthly billing reconciliation: what Coro counted, what the PSA bills, and why they differ. */
export function ReconciliationPage() {
  const { channel } = useChannel();
  const { connector } = useConnectorContext();
  const [month, setMonth] = useState(() => new Date().toISOString().slice(0, 7));
  const [isPerCompany, setPerCompany] = useState(false);
  const [members, setMembers] = useState<MembersLine | null>(null);
  const report = useReconciliation(channel.id, connector.id, month);
  const data = report.data;

  return (
    <Stack spacing={2.5} className={isPerCompany ? 'recon-per-company' : undefined}>
      {printStyles}
      <Stack direction="row" spacing={2} className="no-print" sx={{ alignItems: 'center', flexWrap: 'wrap' }}>
        <TextField
          label="Billing month"
          type="month"
          size="small"
          value={month}
          onChange={(e) => e.target.value && setMonth(e.target.value)}
          slotProps={{ inputLabel: { shrink: true } }}
        />
        <Button
          variant="outlined"
          startIcon={<DownloadIcon />}
          href={reconciliationCsvUrl(channel.id, connector.id, month)}
          download
        >
          Download CSV
        </Button>
        <Button variant="outlined" startIcon={<PrintIcon />} onClick={() => window.print()}>
          Print
        </Button>
        <FormControlLabel
          control={<Checkbox checked={isPerCompany} onChange={(e) => setPerCompany(e.target.checked)} />}
          label="One company per page"
        />
      </Stack>
      {report.error ? <ErrorAlert error={report.error} onRetry={() => void report.refetch()} /> : null}
      {!data ? (
        report.isLoading ? (
          <Typography color="text.secondary">Reading the month from the PSA…</Typography>
        ) : null
      ) : (
        <>
          <Summary report={data} />
          {isPerCompany ? (
            <PerCompany report={data} onMembers={setMembers} />
          ) : (
            <>
              <Paper variant="outlined" sx={{ p: 2 }} className="no-print">
                <EstimateByCompanyChart report={data} />
              </Paper>
              <RowsTable report={data} rows={data.rows} onMembers={setMembers} />
            </>
          )}
        </>
      )}
      <MembersDialog line={members} onClose={() => setMembers(null)} />
    </Stack>
  );
}

function Summary({ report }: { report: Reconciliation }) {
  const c = report.comparison;
  return (
    <Stack spacing={1.5}>
      <Typography variant="h6" component="h2">
        Reconciliation {report.month} · billed on {formatDate(report.billingDate)}
      </Typography>
      <Stack direction="row" spacing={3} sx={{ flexWrap: 'wrap' }} aria-label="Month totals">
        <Figure label="Estimated charge" value={formatMoney(report.total.estimate)} />
        <Figure label="Units in the PSA" value={String(report.total.units)} />
        <Figure label="Lines that disagree" value={String(report.total.disagreeing)} />
        <Figure
          label={`Against ${c.previousMonth}`}
          value={`${formatDelta(c.unitsChange)} units · ${c.estimateChange >= 0 ? '+' : '−'}${formatMoney(Math.abs(c.estimateChange))}`}
        />
      </Stack>
      {c.companiesAdded.length + c.companiesLost.length > 0 ? (
        <Typography variant="body2" color="text.secondary">
          {c.companiesAdded.length > 0 ? `New customers: ${c.companiesAdded.join(', ')}. ` : ''}
          {c.companiesLost.length > 0 ? `Customers lost: ${c.companiesLost.join(', ')}.` : ''}
        </Typography>
      ) : null}
      <Alert severity="info" variant="outlined">
        {report.rule}
      </Alert>
    </Stack>
  );
}

function Figure({ label, value }: { label: string; value: string }) {
  return (
    <Box>
      <Typography variant="caption" color="text.secondary">
        {label}
      </Typography>
      <Typography variant="h6" component="p">
        {value}
      </Typography>
    </Box>
  );
}

function PerCompany({
  report,
  onMembers,
}: {
  report: Reconciliation;
  onMembers: (line: MembersLine) => void;
}) {
  return (
    <>
      {report.companies.map((company) => {
        const rows = report.rows.filter((r) => r.companyName === company.companyName);
        return (
          <Box component="section" key={company.companyId ?? company.companyName} className="recon-company">
            <Typography
              variant="subtitle1"
              component="h3"
              className="recon-company-head"
              sx={{ fontWeight: 600 }}
            >
              {company.companyName} · {plural(company.units, 'unit')} · estimate{' '}
              {formatMoney(company.estimate)}
            </Typography>
            <RowsTable report={report} rows={rows} onMembers={onMembers} />
          </Box>
        );
      })}
    </>
  );
}

function RowsTable({
  report,
  rows,
  onMembers,
}: {
  report: Reconciliation;
  rows: ReconciliationRow[];
  onMembers: (line: MembersLine) => void;
}) {
  return (
    <TableContainer component={Paper} variant="outlined">
      <Table size="small" aria-label="Reconciliation rows">
        <TableHead>
          <TableRow>
            <TableCell>Company</TableCell>
            <TableCell>Service</TableCell>
            <TableCell align="right">Coro</TableCell>
            <TableCell align="right">PSA units</TableCell>
            <TableCell>Over the month</TableCell>
            <TableCell>Sub-periods</TableCell>
            <TableCell align="right">Estimate</TableCell>
            <TableCell>Status</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {rows.length === 0 ? (
            <TableRow>
              <TableCell colSpan={8} sx={{ py: 4, textAlign: 'center', color: 'text.secondary' }}>
                No mapped lines.
              </TableCell>
            </TableRow>
          ) : null}
          {rows.map((r) => (
            <TableRow key={`${r.workspaceId}|${r.serviceKey}`} hover>
              <TableCell component="th" scope="row" sx={{ fontWeight: 600 }}>
                {r.companyName}
              </TableCell>
              <TableCell>{r.serviceName}</TableCell>
              <TableCell align="right">
                <Button
                  size="small"
                  className="no-print-button"
                  aria-label={`Members of ${r.companyName} ${r.serviceName}`}
                  onClick={() =>
                    onMembers({
                      workspaceId: r.workspaceId,
                      workspaceName: r.companyName,
                      serviceKey: r.serviceKey,
                      serviceName: r.serviceName,
                      day: report.billingDate,
                      since: `${report.month}-01`,
                    })
                  }
                >
                  {r.coroAtBillingDate ?? '—'}
                </Button>
                <Typography variant="caption" color="text.secondary" component="div">
                  {r.coroMin === null ? '' : `${r.coroMin}–${r.coroMax ?? ''}`}
                </Typography>
              </TableCell>
              <TableCell align="right" sx={{ fontWeight: 600 }}>
                {r.unitsAtBillingDate ?? '—'}
              </TableCell>
              <TableCell>
                <LineSparkline row={r} month={report.month} billingDate={report.billingDate} />
              </TableCell>
              <TableCell>
                <Typography variant="caption" component="div">
                  {r.periods.map((p) => (
                    <div key={p.startDate}>
                      {formatDate(p.startDate)}–{formatDate(p.endDate)}: {p.units} ×{' '}
                      {formatMoney(p.unitPrice)}
                    </div>
                  ))}
                  {r.adjustments.map((a) => (
                    <div key={`${a.runId}-${a.effectiveDate}`}>
                      Pushed {a.fromUnits} → {a.toUnits} on {formatDate(a.effectiveDate)} ({a.state})
                    </div>
                  ))}
                  {r.manualChanges.map((m) => (
                    <div key={m.day}>
                      Edited by hand {m.fromUnits} → {m.toUnits} on {formatDate(m.day)}
                    </div>
                  ))}
                </Typography>
              </TableCell>
              <TableCell align="right">{formatMoney(r.estimate)}</TableCell>
              <TableCell sx={{ maxWidth: 320 }}>
                <Chip
                  size="small"
                  variant="outlined"
                  color={r.isAgreeing ? 'success' : 'warning'}
                  label={r.isAgreeing ? 'Agrees' : 'Differs'}
                />
                {r.reason ? (
                  <Typography variant="caption" color="text.secondary" component="div">
                    {r.reason}
                  </Typography>
                ) : null}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </TableContainer>
  );
}
