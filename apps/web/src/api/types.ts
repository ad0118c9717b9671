/**
 * The shapes feature code names: the HTTP contracts of `@coro/contracts`. Calls themselves go
 * through `call(endpoints.…)` (client.ts), whose answers are typed by the endpoint.
 */

export type { ChannelAccess, Me, Role } from '@coro/contracts';
import type { Role } from '@coro/contracts';

export function canEdit(role: Role | undefined): boolean {
  return role === 'msp_admin' || role === 'msp_super_admin';
}

export const roleLabels: Record<Role, string> = {
  msp_super_admin: 'MSP Super admin',
  msp_admin: 'MSP Administrator',
  msp_viewer: 'MSP Viewer',
  msp_billing: 'MSP Billing (read-only)',
};

export type {
  AutoMapApplyBody,
  AutoMapProposal,
  AutoMapProposalList,
  CompanyContractList,
  Connector,
  CreateConnectorBody,
  MappingSummary,
  RefreshLookupsResult,
  ServiceMappingItem,
  UpdateCredentialsBody,
  WorkspaceMappingItem,
  WorkspaceMappingQuery,
} from '@coro/contracts';

export type BillingBasis = 'devices' | 'users';
