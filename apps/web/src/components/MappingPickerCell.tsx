import ArrowDropDownIcon from '@mui/icons-material/ArrowDropDown';
import Box from '@mui/material/Box';
import ButtonBase from '@mui/material/ButtonBase';
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';

import { AsyncEntityPicker, type PickerOption, type PickerSearch } from './AsyncEntityPicker.js';

/** A key that types a character (opens the picker with it as the search). */
function isPrintable(event: KeyboardEvent): boolean {
  return event.key.length === 1 && event.key !== ' ' && !event.ctrlKey && !event.metaKey && !event.altKey;
}

/**
 * Looks like the dropdown but is a plain button until used: a page of 100 rows would otherwise
 * mount 100 Autocompletes. Click, Enter, Space, F2, Alt+Down or typing swaps in the real searchable
 * picker, open (typing starts the search with that character). After a pick or Escape the focus
 * comes back to this button, never to the page body.
 */
export function MappingPickerCell({
  label,
  value,
  onChange,
  search,
  searchKey,
  disabled,
  tabIndex = 0,
}: {
  label: string;
  value: PickerOption | null;
  onChange: (option: PickerOption | null) => void;
  search: PickerSearch;
  searchKey: readonly unknown[];
  /** The row's change is on its way: the button stays focusable (focus must not fall to body). */
  disabled: boolean;
  /** Roving tabindex: 0 on the table's active row only. */
  tabIndex?: number;
}) {
  const [editing, setEditing] = useState<{ initialSearch: string } | null>(null);
  const buttonRef = useRef<HTMLButtonElement | null>(null);
  const shouldRefocus = useRef(false);

  useEffect(() => {
    if (editing === null && shouldRefocus.current) {
      shouldRefocus.current = false;
      buttonRef.current?.focus();
    }
  }, [editing]);

  if (editing && !disabled) {
    return (
      <AsyncEntityPicker
        label={label}
        placeholder="Map"
        value={value}
        onChange={onChange}
        search={search}
        queryKey={searchKey}
        openOnMount
        initialSearch={editing.initialSearch}
        onClosed={(reason) => {
          // Clicking elsewhere keeps that focus; a pick or Escape returns here.
          shouldRefocus.current = reason !== 'blur';
          setEditing(null);
        }}
      />
    );
  }

  const open = (initialSearch = '') => {
    if (!disabled) setEditing({ initialSearch });
  };
  const onKeyDown = (event: KeyboardEvent<HTMLButtonElement>) => {
    if (event.key === 'F2' || (event.altKey && event.key === 'ArrowDown')) {
      event.preventDefault();
      event.stopPropagation();
      open();
    } else if (isPrintable(event)) {
      event.preventDefault();
      open(event.key);
    }
  };

  return (
    <ButtonBase
      ref={buttonRef}
      onClick={() => open()}
      onKeyDown={onKeyDown}
      tabIndex={tabIndex}
      aria-disabled={disabled || undefined}
      aria-haspopup="listbox"
      aria-label={`${label}: ${value ? value.name : 'Map'}`}
      data-row-control="picker"
      sx={{
        flex: '1 1 160px',
        minWidth: 120,
        width: '100%',
        height: 36,
        px: 1.5,
        justifyContent: 'space-between',
        border: 1,
        borderColor: value ? 'divider' : 'primary.light',
        borderStyle: value ? 'solid' : 'dashed',
        borderRadius: 1,
        bgcolor: value ? 'background.paper' : '#f8faff',
        typography: 'body2',
        textAlign: 'left',
        opacity: disabled ? 0.6 : 1,
        '&:hover': { borderColor: 'primary.main' },
        '&.Mui-focusVisible, &:focus-visible': {
          outline: '2px solid',
          outlineColor: 'primary.main',
          outlineOffset: 1,
        },
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
