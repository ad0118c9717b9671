/**
 * The shapes the console reads and writes: the HTTP contracts of `@coro/contracts`, imported as
 * types only so that TypeBox stays out of the browser bundle.
 */

export type { AuthConfig, ChannelAccess, Me, Role } from '@coro/contracts';
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
  AutoMapApplyResult,
  AutoMapProposal,
  AutoMapProposalList,
  CompanyContractList,
  Connector,
  ConnectorList,
  ContractCheckSummary,
  CreateConnectorBody,
  MappingBatchList,
  MappingBatchUndoResult,
  MappingSummary,
  PsaCompanyPage,
  PsaServicePage,
  RefreshLookupsResult,
  ServiceMappingItem,
  ServiceMappingList,
  ServiceSuggestionList,
  SuggestionList,
  UpdateCredentialsBody,
  WorkspaceMappingItem,
  WorkspaceMappingPage,
  WorkspaceMappingQuery,
} from '@coro/contracts';

export type BillingBasis = 'devices' | 'users';
