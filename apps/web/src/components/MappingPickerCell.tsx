import ArrowDropDownIcon from '@mui/icons-material/ArrowDropDown';
import Box from '@mui/material/Box';
import ButtonBase from '@mui/material/ButtonBase';
import { useState } from 'react';

import { AsyncEntityPicker, type PickerOption, type PickerSearch } from './AsyncEntityPicker.js';

/**
 * Looks like the dropdown but is a plain button until used: a page of 100 rows would otherwise
 * mount 100 Autocompletes. Click, Enter or Space swaps in the real searchable picker, open.
 */
export function MappingPickerCell({
  label,
  value,
  onChange,
  search,
  searchKey,
  disabled,
}: {
  label: string;
  value: PickerOption | null;
  onChange: (option: PickerOption | null) => void;
  search: PickerSearch;
  searchKey: readonly unknown[];
  disabled: boolean;
}) {
  const [isEditing, setEditing] = useState(false);
  if (isEditing && !disabled) {
    return (
      <AsyncEntityPicker
        label={label}
        placeholder="Map"
        value={value}
        onChange={onChange}
        search={search}
        queryKey={searchKey}
        openOnMount
        onClosed={() => setEditing(false)}
      />
    );
  }
  return (
    <ButtonBase
      onClick={() => setEditing(true)}
      disabled={disabled}
      aria-haspopup="listbox"
      aria-label={`${label}: ${value ? value.name : 'Map'}`}
      sx={{
        width: '100%',
        height: 40,
        px: 1.5,
        justifyContent: 'space-between',
        border: 1,
        borderColor: value ? 'divider' : 'primary.light',
        borderStyle: value ? 'solid' : 'dashed',
        borderRadius: 1,
        bgcolor: value ? 'background.paper' : '#f8faff',
        typography: 'body2',
        textAlign: 'left',
        '&:hover': { borderColor: 'primary.main' },
        '&.Mui-focusVisible': { outline: '2px solid', outlineColor: 'primary.main', outlineOffset: 1 },
      }}
    >
      <Box
        component="span"
        sx={{
          overflow: 'hidden',
          textOverflow: 'ellipsis',
          whiteSpace: 'nowrap',
          color: value ? 'text.primary' : 'primary.main',
          fontWeight: value ? 400 : 600,
        }}
      >
        {value ? value.name : 'Map'}
      </Box>
      <ArrowDropDownIcon fontSize="small" color="action" aria-hidden />
    </ButtonBase>
  );
}
