import type { PermissionLevel, Role } from '@coro/contracts';

const roleRank: Readonly<Record<Role, number>> = {
  msp_billing: 1,
  msp_viewer: 1,
  msp_admin: 2,
  msp_super_admin: 3,
};
const levelRank: Readonly<Record<PermissionLevel, number>> = { read: 1, write: 2, admin: 3 };

/** read: every role (msp_billing included); write: msp_admin and up; admin: msp_super_admin only. */
export const roleAllows = (role: Role, level: PermissionLevel): boolean => roleRank[role] >= levelRank[level];

export const strongestRole = (roles: readonly Role[]): Role | null =>
  roles.reduce<Role | null>(
    (best, role) => (best === null || roleRank[role] > roleRank[best] ? role : best),
    null,
  );

export const isRole = (value: string): value is Role => value in roleRank;

/**
 * Team changes never raise anyone above the one making them: an msp_admin may hand out
 * msp_admin, msp_viewer and msp_billing, only an msp_super_admin may hand out (or touch) msp_super_admin.
 */
export const roleCanManage = (actor: Role, target: Role): boolean => roleRank[target] <= roleRank[actor];

/** Roles that keep a channel administrable: at least one member must hold one of them. */
export const isAdminRole = (role: Role): boolean => roleRank[role] >= roleRank.msp_admin;
