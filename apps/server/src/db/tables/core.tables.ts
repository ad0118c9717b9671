import type { Generated } from 'kysely';

/** Row shapes of the core migration (202611270001_core). snake_case columns, see schema.ts. */
export interface WorkspacesTable {
  id: string;
  /** 'channel' | 'child' | 'regular' (see workspaces/workspace.model.ts). */
  kind: string;
  /** Channel of a child workspace, or parent channel of a nested channel; null at the top. */
  parent_id: string | null;
  display_name: string;
  company_name: string | null;
  /** Child workspaces only: 'New' | 'Trial' | 'Subscription' | 'Inactive'. */
  status: string | null;
  created_at: string;
  updated_at: string;
}

export interface UsersTable {
  id: string;
  /** Lower-cased. */
  email: string;
  display_name: string;
  /** `scrypt$N$r$p$<salt b64>$<hash b64>` */
  password_hash: string;
  failed_login_count: Generated<number>;
  locked_until: string | null;
  last_login_at: string | null;
  /** 1 after a one-time password (team onboarding): the next sign-in must set a new one. */
  must_change_password: Generated<number>;
  created_at: string;
  updated_at: string;
}

export interface MembershipsTable {
  id: string;
  user_id: string;
  workspace_id: string;
  /** 'msp_super_admin' | 'msp_admin' | 'msp_viewer' | 'msp_billing' */
  role: string;
  created_at: string;
}

export interface SessionsTable {
  id: string;
  user_id: string;
  /** SHA-256 (hex) of the cookie token; the token itself is never stored. */
  token_hash: string;
  created_at: string;
  expires_at: string;
  last_seen_at: string;
  ip: string | null;
  user_agent: string | null;
}

export interface MachineTokensTable {
  id: string;
  channel_id: string;
  name: string;
  /** e.g. 'usage:write' */
  scope: string;
  token_hash: string;
  /** First characters of the token, so admins can tell tokens apart. */
  token_prefix: string;
  created_by: string | null;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface CatalogServicesTable {
  key: string;
  name: string;
  /** 'module' | 'addon' */
  kind: string;
  /** 'devices' | 'users' */
  billing_basis: string;
  sort_order: number;
  is_active: Generated<number>;
}

export interface UsageDailyTable {
  workspace_id: string;
  service_key: string;
  /** YYYY-MM-DD (UTC calendar day). */
  day: string;
  devices: number;
  users: number;
  /** 'api' | 'cli' | 'demo' | … */
  source: string;
  updated_at: string;
}

export interface UsageRevisionsTable {
  id: string;
  workspace_id: string;
  service_key: string;
  day: string;
  previous_devices: number;
  previous_users: number;
  devices: number;
  users: number;
  actor: string;
  created_at: string;
}

export interface AuditEventsTable {
  id: string;
  workspace_id: string;
  /** 'user' | 'token' | 'system' */
  actor_kind: string;
  actor_id: string | null;
  actor_label: string;
  action: string;
  entity: string;
  entity_id: string | null;
  /** JSON text, secrets removed. */
  before_json: string | null;
  after_json: string | null;
  created_at: string;
}

export interface CoreTables {
  workspaces: WorkspacesTable;
  users: UsersTable;
  memberships: MembershipsTable;
  sessions: SessionsTable;
  machine_tokens: MachineTokensTable;
  catalog_services: CatalogServicesTable;
  usage_daily: UsageDailyTable;
  usage_revisions: UsageRevisionsTable;
  audit_events: AuditEventsTable;
}
