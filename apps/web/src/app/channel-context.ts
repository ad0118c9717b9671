import { createContext, useContext } from 'react';

import type { ChannelAccess, Me } from '../api/types.js';

export interface ChannelContextValue {
  readonly me: Me;
  readonly channel: ChannelAccess;
  /** Admins change things; viewers see the same screens read-only. */
  readonly canEdit: boolean;
}

export const ChannelContext = createContext<ChannelContextValue | null>(null);

export function useChannel(): ChannelContextValue {
  const value = useContext(ChannelContext);
  if (!value) throw new Error('useChannel() outside a channel route');
  return value;
}
