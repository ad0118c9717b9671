/** Row shapes of the connectors migration (202611270002_connectors). snake_case columns. */
export interface PsaConnectorsTable {
  id: string;
  /** The channel workspace that owns the connector. */
  channel_id: string;
  /** PsaKind */
  kind: string;
  /** ConnectorStatus: 'connected' | 'error' | 'disconnected' */
  status: string;
  /** Reason code of an 'error' status (an AppErrorCode such as psa_bad_secret). */
  status_code: string | null;
  status_message: string | null;
  status_advice: string | null;
  username: string;
  /** Secret-box envelope of the PSA secret, AAD bound to the connector id. Never leaves the server. */
  secret_box: string;
  /** Tracking-identifier override; null means the server default. */
  integration_code: string | null;
  zone_name: string | null;
  /** ISO 4217 code of the PSA's internal currency, read at verification (migration 202612030200). */
  currency: string | null;
  tenant_id: string | null;
  last_verified_at: string | null;
  /** Written by the sync engine. */
  last_sync_at: string | null;
  next_sync_at: string | null;
  companies_refreshed_at: string | null;
  /** Highest company modifiedAt seen: the next incremental refresh asks for changes since then. */
  companies_watermark: string | null;
  services_refreshed_at: string | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface PsaCompaniesTable {
  connector_id: string;
  psa_id: string;
  name: string;
  search_name: string;
  match_name: string;
  is_active: number;
  is_present: number;
  modified_at: string | null;
  refreshed_at: string;
}

export interface PsaServicesTable {
  connector_id: string;
  psa_id: string;
  name: string;
  search_name: string;
  description: string | null;
  is_active: number;
  is_present: number;
  unit_price: number | null;
  modified_at: string | null;
  refreshed_at: string;
}

export interface WorkspaceMappingsTable {
  id: string;
  connector_id: string;
  workspace_id: string;
  psa_company_id: string;
  pinned_contract_id: string | null;
  /** ContractCheckStatus, null until checked. */
  check_status: string | null;
  check_json: string | null;
  checked_at: string | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface ServiceMappingsTable {
  id: string;
  connector_id: string;
  service_key: string;
  psa_service_id: string;
  /** 'devices' | 'users' */
  billing_basis: string;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

/** Row shapes of 202612030350_mapping_batches: an applied auto-map, undoable as a whole. */
export interface MappingBatchesTable {
  id: string;
  connector_id: string;
  /** 'auto_map' */
  kind: string;
  created_by: string | null;
  created_at: string;
  undone_by: string | null;
  undone_at: string | null;
}

export interface MappingBatchItemsTable {
  batch_id: string;
  mapping_id: string;
  workspace_id: string;
  psa_company_id: string;
}

export interface ConnectorTables {
  psa_connectors: PsaConnectorsTable;
  psa_companies: PsaCompaniesTable;
  psa_services: PsaServicesTable;
  workspace_mappings: WorkspaceMappingsTable;
  service_mappings: ServiceMappingsTable;
  mapping_batches: MappingBatchesTable;
  mapping_batch_items: MappingBatchItemsTable;
}
