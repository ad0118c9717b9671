import Box from '@mui/material/Box';
import Typography from '@mui/material/Typography';
import { useId } from 'react';
import { visuallyHidden } from '../lib/visually-hidden.js';

export interface ChartPoint {
  readonly day: string;
  readonly value: number;
}

/**
 * A small dependency-free line chart (SVG) of units per day. The data is also given as a table to
 * assistive technology, since a picture of a line says nothing to a screen reader.
 */
export function UnitsChart({
  points,
  label,
  unit,
}: {
  points: readonly ChartPoint[];
  label: string;
  unit: string;
}) {
  const titleId = useId();
  const width = 720;
  const height = 220;
  const pad = { top: 16, right: 16, bottom: 28, left: 44 };
  if (points.length === 0) {
    return (
      <Box sx={{ py: 6, textAlign: 'center', color: 'text.secondary' }}>
        <Typography variant="body2">No usage recorded for this selection yet.</Typography>
      </Box>
    );
  }
  const max = Math.max(1, ...points.map((p) => p.value));
  const niceMax = Math.ceil(max / 5) * 5 || 5;
  const x = (i: number) =>
    pad.left + (points.length === 1 ? 0.5 : i / (points.length - 1)) * (width - pad.left - pad.right);
  const y = (v: number) => pad.top + (1 - v / niceMax) * (height - pad.top - pad.bottom);
  const line = points
    .map((p, i) => `${i === 0 ? 'M' : 'L'}${x(i).toFixed(1)},${y(p.value).toFixed(1)}`)
    .join(' ');
  const area = `${line} L${x(points.length - 1).toFixed(1)},${y(0).toFixed(1)} L${x(0).toFixed(1)},${y(0).toFixed(1)} Z`;
  const ticks = [0, niceMax / 2, niceMax];
  const labelEvery = Math.max(1, Math.ceil(points.length / 8));
  const last = points[points.length - 1];

  return (
    <Box>
      <Box
        component="svg"
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-labelledby={titleId}
        sx={{ width: '100%', height: 'auto', display: 'block' }}
      >
        <title id={titleId}>
          {label}: {last ? `${last.value} ${unit} on ${last.day}` : ''}
        </title>
        <defs>
          <linearGradient id={`${titleId}-fill`} x1="0" x2="0" y1="0" y2="1">
            <stop offset="0%" stopColor="#6366f1" stopOpacity="0.25" />
            <stop offset="100%" stopColor="#6366f1" stopOpacity="0" />
          </linearGradient>
        </defs>
        {ticks.map((t) => (
          <g key={t}>
            <line x1={pad.left} x2={width - pad.right} y1={y(t)} y2={y(t)} stroke="#e2e8f0" />
            <text x={pad.left - 8} y={y(t) + 4} textAnchor="end" fontSize="11" fill="#64748b">
              {t}
            </text>
          </g>
        ))}
        <path d={area} fill={`url(#${titleId}-fill)`} />
        <path d={line} fill="none" stroke="#4f46e5" strokeWidth="2.5" strokeLinejoin="round" />
        {points.map((p, i) =>
          i % labelEvery === 0 || i === points.length - 1 ? (
            <text key={p.day} x={x(i)} y={height - 8} textAnchor="middle" fontSize="11" fill="#64748b">
              {p.day.slice(5)}
            </text>
          ) : null,
        )}
        {last ? <circle cx={x(points.length - 1)} cy={y(last.value)} r="4" fill="#4f46e5" /> : null}
      </Box>
      {/* Hidden in a div: a table never gets narrower than its text, so a hidden table alone kept
          its full width and pushed a 390 px page 31 px sideways. */}
      <Box style={visuallyHidden}>
        <table>
          <caption>{label}</caption>
          <tbody>
            {points.map((p) => (
              <tr key={p.day}>
                <th scope="row">{p.day}</th>
                <td>
                  {p.value} {unit}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Box>
    </Box>
  );
}
