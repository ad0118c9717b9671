import SearchIcon from '@mui/icons-material/Search';
import InputAdornment from '@mui/material/InputAdornment';
import Stack from '@mui/material/Stack';
import Tab from '@mui/material/Tab';
import Tabs from '@mui/material/Tabs';
import TextField from '@mui/material/TextField';
import { useEffect, useState } from 'react';

import { useDebouncedValue } from '../lib/use-debounced-value.js';
import {
  filterTabLabel,
  firstPageQuery,
  mappingFilters,
  type MappingCounts,
  type MappingFilter,
  type MappingQuery,
} from './mapping-table.model.js';

/** Filter tabs with counts and a debounced search box over the mapping table's query. */
export function MappingToolbar({
  subjectPlural,
  counts,
  query,
  onQueryChange,
}: {
  subjectPlural: string;
  counts: MappingCounts | undefined;
  query: MappingQuery;
  onQueryChange: (query: MappingQuery) => void;
}) {
  const [text, setText] = useState(query.q);
  const debouncedText = useDebouncedValue(text, 300);

  useEffect(() => {
    if (debouncedText !== query.q) onQueryChange(firstPageQuery(query, { q: debouncedText }));
    // Only the typed text drives this effect; the query object changes on every page load.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [debouncedText]);

  return (
    <Stack
      direction={{ xs: 'column', md: 'row' }}
      spacing={2}
      sx={{ alignItems: { md: 'center' }, justifyContent: 'space-between', mb: 2 }}
    >
      <Tabs
        value={query.filter}
        onChange={(_e, filter: MappingFilter) => onQueryChange(firstPageQuery(query, { filter }))}
        aria-label={`Filter ${subjectPlural}`}
        variant="scrollable"
        sx={{
          minHeight: 40,
          '& .MuiTab-root': { minHeight: 40, textTransform: 'none', fontWeight: 600 },
        }}
      >
        {mappingFilters.map((filter) => (
          <Tab key={filter} value={filter} label={filterTabLabel(filter, counts)} />
        ))}
      </Tabs>
      <TextField
        size="small"
        value={text}
        onChange={(e) => setText(e.target.value)}
        placeholder={`Search ${subjectPlural}`}
        sx={{ minWidth: { md: 300 } }}
        slotProps={{
          htmlInput: { 'aria-label': `Search ${subjectPlural}` },
          input: {
            startAdornment: (
              <InputAdornment position="start">
                <SearchIcon fontSize="small" />
              </InputAdornment>
            ),
          },
        }}
      />
    </Stack>
  );
}
