import { useEffect } from 'react';

const appName = 'Coro console';

/**
 * Each page names itself in the browser tab and to screen readers on navigation, most specific
 * part first so that the tab shows what differs between pages.
 */
export function useDocumentTitle(...parts: readonly (string | null | undefined)[]): void {
  const title = [...parts.filter((part): part is string => Boolean(part)), appName].join(' · ');
  useEffect(() => {
    document.title = title;
  }, [title]);
}
