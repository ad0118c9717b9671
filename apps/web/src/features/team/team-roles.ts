import type { Role } from '../../api/types.js';

const rank: Readonly<Record<Role, number>> = {
  msp_billing: 1,
  msp_viewer: 1,
  msp_admin: 2,
  msp_super_admin: 3,
};

/**
 * The roles the signed-in person may hand out, strongest first: the server refuses anything above
 * their own role (only an msp_super_admin grants or touches msp_super_admin).
 */
export function assignableRoles(own: Role): Role[] {
  return (['msp_super_admin', 'msp_admin', 'msp_viewer', 'msp_billing'] as const).filter(
    (role) => rank[role] <= rank[own],
  );
}

export const canManageMember = (own: Role, member: Role): boolean => rank[member] <= rank[own];
