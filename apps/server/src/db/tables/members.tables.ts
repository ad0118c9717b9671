/** Row shapes of 202612030190_usage_members. */
export interface UsageMemberIntervalsTable {
  id: string;
  workspace_id: string;
  service_key: string;
  /** 'device' | 'user' */
  member_kind: string;
  member_id: string;
  label: string;
  first_day: string;
  last_day: string;
  updated_at: string;
}

export interface MemberTables {
  usage_member_intervals: UsageMemberIntervalsTable;
}
