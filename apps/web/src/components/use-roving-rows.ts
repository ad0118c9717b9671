import { useCallback, useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';

const focusable = 'button, a[href], input, select, textarea, [tabindex]';
const primarySelector = '[data-row-control="picker"]';

/**
 * One tab stop per row (roving tabindex): only the active row's picker is in the Tab order; Up and
 * Down (Home, End) move between rows, Left and Right between the controls inside a row. When the
 * focused control disappears (the row left the filter, the Unmap button went with the mapping),
 * the focus goes to the same row (or the one now at its place) instead of the page body.
 */
export function useRovingRows(rowIds: readonly string[]) {
  const bodyRef = useRef<HTMLTableSectionElement | null>(null);
  const [activeId, setActiveId] = useState<string | null>(null);
  const lastFocused = useRef<{ id: string; index: number } | null>(null);
  const current = activeId !== null && rowIds.includes(activeId) ? activeId : (rowIds[0] ?? null);

  const rowElements = (): HTMLElement[] =>
    bodyRef.current ? [...bodyRef.current.querySelectorAll<HTMLElement>('tr[data-row-id]')] : [];

  const focusRow = useCallback((id: string) => {
    const row = [...(bodyRef.current?.querySelectorAll<HTMLElement>('tr[data-row-id]') ?? [])].find(
      (tr) => tr.dataset.rowId === id,
    );
    const target =
      row?.querySelector<HTMLElement>(primarySelector) ?? row?.querySelector<HTMLElement>(focusable);
    if (!target) return false;
    setActiveId(id);
    target.focus();
    return true;
  }, []);

  // Secondary controls (Confirm, Unmap, Pin…) leave the Tab order; they are reached with arrows.
  useLayoutEffect(() => {
    for (const row of rowElements()) {
      for (const el of row.querySelectorAll<HTMLElement>(focusable)) {
        if (!el.matches(primarySelector) && !el.closest('.MuiAutocomplete-root')) el.tabIndex = -1;
      }
    }
  });

  useEffect(() => {
    const last = lastFocused.current;
    const active = document.activeElement;
    if (!last || (active && active !== document.body)) return;
    // The focused control is gone: same row if it is still here, else the row now at its index.
    if (rowIds.includes(last.id) && focusRow(last.id)) return;
    const fallback = rowIds[Math.min(last.index, rowIds.length - 1)];
    if (fallback) focusRow(fallback);
  }, [rowIds, focusRow]);

  const onFocus = (id: string, index: number) => {
    lastFocused.current = { id, index };
    if (id !== activeId) setActiveId(id);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLElement>, id: string) => {
    const target = event.target as HTMLElement;
    // Inside the open picker the arrows belong to its list.
    if (target.closest('.MuiAutocomplete-root') || event.altKey || event.ctrlKey || event.metaKey) return;
    const index = rowIds.indexOf(id);
    const goTo = (next: string | undefined) => {
      event.preventDefault();
      if (next) focusRow(next);
    };
    switch (event.key) {
      case 'ArrowDown':
        return goTo(rowIds[index + 1]);
      case 'ArrowUp':
        return goTo(rowIds[index - 1]);
      case 'Home':
        return goTo(rowIds[0]);
      case 'End':
        return goTo(rowIds[rowIds.length - 1]);
      case 'ArrowLeft':
      case 'ArrowRight': {
        const row = target.closest('tr');
        const controls = row
          ? [...row.querySelectorAll<HTMLElement>(focusable)].filter(
              (el) => !(el as HTMLButtonElement).disabled,
            )
          : [];
        const at = controls.indexOf(target);
        const next = controls[at + (event.key === 'ArrowRight' ? 1 : -1)];
        if (next) {
          event.preventDefault();
          next.focus();
        }
        return;
      }
    }
  };

  /** Focus left the table for something else on purpose: do not pull it back later. */
  const onBlur = (event: { relatedTarget: EventTarget | null; currentTarget: HTMLElement }) => {
    const next = event.relatedTarget as Node | null;
    if (next && !event.currentTarget.contains(next)) lastFocused.current = null;
  };

  return { bodyRef, activeId: current, onFocus, onKeyDown, onBlur, focusRow };
}
