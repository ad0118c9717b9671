import Autocomplete from '@mui/material/Autocomplete';
import Box from '@mui/material/Box';
import CircularProgress from '@mui/material/CircularProgress';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import {
  Children,
  cloneElement,
  isValidElement,
  useCallback,
  useMemo,
  useRef,
  useState,
  type FocusEvent,
  type HTMLAttributes,
  type ReactElement,
  type ReactNode,
  type Ref,
  type RefObject,
  type UIEvent,
} from 'react';

import { useDebouncedValue } from '../lib/use-debounced-value.js';

/** One entity the picker can show: a PSA company, a PSA service… */
export interface PickerOption {
  readonly id: string;
  readonly name: string;
  /** A second line, e.g. "Already mapped to Acme Corporation" or "Inactive in Autotask". */
  readonly hint?: string | null;
  /** Colours the hint as a warning (already mapped elsewhere, inactive). */
  readonly isWarning?: boolean;
  /**
   * Shown but not selectable (aria-disabled): e.g. a company another workspace holds. Picking it
   * could only end in a conflict from the server; the hint says who holds it.
   */
  readonly isDisabled?: boolean;
}

export interface PickerPage {
  readonly items: readonly PickerOption[];
  readonly nextCursor: string | null;
}

/** Server-side search: one page of matches for `query`, continuing from `cursor`. */
export type PickerSearch = (query: string, cursor: string | null, signal: AbortSignal) => Promise<PickerPage>;

export interface AsyncEntityPickerProps {
  /** Accessible name of the combobox, e.g. "Autotask Company for Acme Corporation". */
  readonly label: string;
  /** Shown inside the empty box ("Map"). */
  readonly placeholder?: string;
  readonly value: PickerOption | null;
  readonly onChange: (option: PickerOption | null) => void;
  readonly search: PickerSearch;
  /** Cache scope of the results, e.g. ['lookup', connectorId, 'companies']. */
  readonly queryKey: readonly unknown[];
  /** Shortest non-empty search sent to the server; an empty box lists the first page. */
  readonly minChars?: number;
  readonly debounceMs?: number;
  /** Above this many loaded options the list is virtualized. */
  readonly virtualizeAbove?: number;
  readonly disabled?: boolean;
  readonly readOnly?: boolean;
  /** Show the label above the box instead of only to assistive technology. */
  readonly showLabel?: boolean;
  readonly size?: 'small' | 'medium';
  readonly errorText?: string | null;
  readonly disableClearable?: boolean;
  readonly id?: string;
  /** Mount focused with the list open (when it replaces a lightweight trigger). */
  readonly openOnMount?: boolean;
  /** Called after the list closes (pick, Escape or blur), with why. */
  readonly onClosed?: (reason: 'selectOption' | 'escape' | 'blur' | 'other') => void;
  /** The search to start with (a character typed on a lightweight trigger). */
  readonly initialSearch?: string;
}

const optionHeightPx = 52;
const listMaxHeightPx = 320;

interface VirtualListboxProps extends HTMLAttributes<HTMLElement> {
  readonly ref?: Ref<HTMLUListElement>;
  readonly children?: ReactNode;
  readonly onNearEnd?: () => void;
  readonly isVirtual?: boolean;
  readonly scrollToRef?: RefObject<((index: number) => void) | null>;
  /** Passed by MUI's slot machinery; not a DOM attribute. */
  readonly ownerState?: unknown;
}

function assignRef<T>(ref: Ref<T> | undefined, value: T | null): void {
  if (typeof ref === 'function') ref(value);
  else if (ref) (ref as { current: T | null }).current = value;
}

/**
 * The listbox slot. Renders every option while the list is short; past `virtualizeAbove` only the
 * visible rows (padding stands in for the rest, so each option stays a direct child of the list).
 * Asks for the next page when scrolled near the end.
 */
function PickerListbox({
  ref,
  children,
  onNearEnd,
  isVirtual,
  scrollToRef,
  style,
  onScroll,
  ownerState: _ownerState,
  ...rest
}: VirtualListboxProps) {
  const scrollRef = useRef<HTMLUListElement | null>(null);
  const items = useMemo(
    () => Children.toArray(children).filter((child) => isValidElement(child)),
    [children],
  );
  // Not memoized by the React Compiler (TanStack returns fresh functions): fine for a popup list.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: isVirtual ? items.length : 0,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => optionHeightPx,
    overscan: 6,
    // jsdom has no layout: render a first window instead of nothing.
    initialRect: { width: 320, height: listMaxHeightPx },
  });
  if (scrollToRef)
    scrollToRef.current = isVirtual ? (index) => virtualizer.scrollToIndex(index, { align: 'auto' }) : null;

  const setRefs = useCallback(
    (node: HTMLUListElement | null) => {
      scrollRef.current = node;
      assignRef(ref, node);
    },
    [ref],
  );

  const handleScroll = (event: UIEvent<HTMLUListElement>) => {
    onScroll?.(event);
    const node = event.currentTarget;
    if (node.scrollHeight - node.scrollTop - node.clientHeight < optionHeightPx * 3) onNearEnd?.();
  };

  const listStyle = { ...style, maxHeight: listMaxHeightPx, overflowY: 'auto' as const };
  if (!isVirtual) {
    return (
      <ul {...rest} ref={setRefs} style={listStyle} onScroll={handleScroll}>
        {children}
      </ul>
    );
  }
  const virtualItems = virtualizer.getVirtualItems();
  const first = virtualItems[0];
  const last = virtualItems[virtualItems.length - 1];
  const total = virtualizer.getTotalSize();
  return (
    <ul
      {...rest}
      ref={setRefs}
      onScroll={handleScroll}
      data-virtualized="true"
      style={{
        ...listStyle,
        paddingTop: first ? first.start : 0,
        paddingBottom: last ? total - last.end : 0,
      }}
    >
      {virtualItems.map((virtual) => {
        const element = items[virtual.index];
        return element
          ? cloneElement(element as ReactElement<{ 'data-index'?: number; ref?: Ref<HTMLElement> }>, {
              'data-index': virtual.index,
              ref: virtualizer.measureElement,
            })
          : null;
      })}
    </ul>
  );
}

/**
 * A combobox that searches a server as the admin types (debounced), lists one page at a time with
 * more loaded on scroll, virtualizes long lists, and always shows the current value even when the
 * current results do not contain it. Fully keyboard operable (MUI Autocomplete).
 */
export function AsyncEntityPicker({
  label,
  placeholder = 'Map',
  value,
  onChange,
  search,
  queryKey,
  minChars = 2,
  debounceMs = 250,
  virtualizeAbove = 100,
  disabled = false,
  readOnly = false,
  showLabel = false,
  size = 'small',
  errorText = null,
  disableClearable = false,
  id,
  openOnMount = false,
  onClosed,
  initialSearch = '',
}: AsyncEntityPickerProps) {
  const [open, setOpen] = useState(openOnMount);
  const [typed, setTyped] = useState(initialSearch);
  const debounced = useDebouncedValue(typed.trim(), debounceMs);
  const isTooShort = debounced.length > 0 && debounced.length < minChars;
  const scrollToRef = useRef<((index: number) => void) | null>(null);

  const query = useInfiniteQuery({
    queryKey: [...queryKey, debounced],
    queryFn: ({ pageParam, signal }) => search(debounced, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled: open && !isTooShort && !readOnly && !disabled,
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  });

  const options = useMemo(() => {
    const loaded = isTooShort ? [] : (query.data?.pages.flatMap((page) => page.items) ?? []);
    const seen = new Set<string>();
    const unique = loaded
      .filter((option) => (seen.has(option.id) ? false : (seen.add(option.id), true)))
      // "Already mapped to …" is not news for the row that holds it.
      .map((option) =>
        option.id === value?.id
          ? { ...option, hint: 'Current mapping', isWarning: false, isDisabled: false }
          : option,
      );
    if (value && !seen.has(value.id))
      return [{ ...value, hint: 'Current mapping', isWarning: false, isDisabled: false }, ...unique];
    return unique;
  }, [query.data, value, isTooShort]);

  const { hasNextPage, isFetchingNextPage, fetchNextPage } = query;
  const loadMore = useCallback(() => {
    if (hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);

  const isVirtual = options.length > virtualizeAbove;
  const isLoading = open && (query.isFetching || typed.trim() !== debounced);
  const noOptionsText = isTooShort
    ? `Type at least ${minChars} characters`
    : query.isError
      ? 'Search failed — try again'
      : debounced
        ? `No match for "${debounced}"`
        : 'Nothing to show';

  return (
    <Autocomplete<PickerOption, false, boolean>
      id={id}
      open={open}
      onOpen={() => setOpen(true)}
      onClose={(_event, reason) => {
        setOpen(false);
        setTyped('');
        onClosed?.(reason === 'selectOption' || reason === 'escape' || reason === 'blur' ? reason : 'other');
      }}
      value={value}
      onChange={(_event, option) => {
        // MUI keeps disabled options out of the keyboard's reach and, by CSS only, of the pointer;
        // a click that gets through must still not choose one.
        if (!option?.isDisabled) onChange(option);
      }}
      // Controlled: while open the box holds only what was typed, so a mapped row starts a fresh
      // search instead of appending to "Acme Corporation"; closed, it shows the current value.
      inputValue={open && !readOnly && !disabled ? typed : (value?.name ?? '')}
      onInputChange={(_event, text, reason) => {
        if (reason === 'input') {
          setTyped(text);
          if (!open) setOpen(true);
        }
      }}
      getOptionDisabled={(option) => option.isDisabled === true}
      onHighlightChange={(_event, option, reason) => {
        if (reason !== 'keyboard' || !option) return;
        const index = options.findIndex((o) => o.id === option.id);
        if (index >= 0) scrollToRef.current?.(index);
      }}
      options={options}
      // The server already filtered; MUI must not filter its answer again.
      filterOptions={(x) => x}
      getOptionLabel={(option) => option.name}
      isOptionEqualToValue={(option, selected) => option.id === selected.id}
      loading={isLoading}
      loadingText="Searching…"
      noOptionsText={noOptionsText}
      disabled={disabled}
      readOnly={readOnly}
      disableClearable={disableClearable}
      size={size}
      autoHighlight
      fullWidth
      slots={{ listbox: PickerListbox }}
      slotProps={{
        listbox: {
          isVirtual,
          onNearEnd: loadMore,
          scrollToRef,
        } as VirtualListboxProps,
      }}
      renderOption={(props, option) => {
        const { key, ...optionProps } = props as typeof props & { key: string };
        return (
          <Box
            component="li"
            key={key}
            {...optionProps}
            sx={{
              display: 'block !important',
              py: 0.75,
              // MUI fades disabled options to 38 %: unreadable (and below AA). Keep the text legible;
              // the greyed name and the hint say it cannot be chosen.
              '&[aria-disabled="true"]': { opacity: '1 !important', cursor: 'not-allowed' },
            }}
          >
            <Typography
              variant="body2"
              component="span"
              sx={{
                display: 'block',
                ...(option.isDisabled ? { color: 'text.secondary' } : {}),
              }}
            >
              {option.name}
            </Typography>
            {option.hint ? (
              <Typography
                variant="caption"
                component="span"
                sx={{ display: 'block', color: option.isWarning ? 'warning.dark' : 'text.secondary' }}
              >
                {option.hint}
              </Typography>
            ) : null}
          </Box>
        );
      }}
      renderInput={(params) => (
        <TextField
          {...params}
          label={showLabel ? label : undefined}
          autoFocus={openOnMount}
          // While searching, the current value stays visible as the placeholder.
          placeholder={value ? value.name : placeholder}
          error={Boolean(errorText)}
          helperText={errorText ?? undefined}
          slotProps={{
            ...params.slotProps,
            htmlInput: {
              ...params.slotProps.htmlInput,
              'aria-label': showLabel ? undefined : label,
              // Keyboard focus selects the shown value, so typing replaces it instead of appending.
              onFocus: (event: FocusEvent<HTMLInputElement>) => {
                (params.slotProps.htmlInput as { onFocus?: (e: unknown) => void }).onFocus?.(event);
                event.currentTarget.select();
              },
            },
            input: {
              ...params.slotProps.input,
              endAdornment: (
                <>
                  {isLoading ? <CircularProgress color="inherit" size={16} aria-label="Searching" /> : null}
                  {params.slotProps.input.endAdornment}
                </>
              ),
            },
          }}
        />
      )}
    />
  );
}
