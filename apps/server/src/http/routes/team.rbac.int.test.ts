import { endpoints } from '@coro/contracts';

import { grantRole, insertUser } from '../../auth/user.repository.js';
import {
  anyUserRoute,
  describeRbacMatrix,
  rbacCase,
  readRoute,
  writeRoute,
  type RbacCase,
} from '../../../test/rbac-matrix.js';
import type { TestApp } from '../../../test/test-app.js';

let sequence = 0;

/** A fresh msp_viewer member per call, so each removal has someone to remove. */
async function freshMember(t: TestApp): Promise<string> {
  sequence += 1;
  const now = t.clock().toISOString();
  const user = await insertUser(
    t.db,
    { email: `rbac-member-${sequence}@team.example`, displayName: `Member ${sequence}`, passwordHash: '' },
    now,
  );
  await grantRole(t.db, user.id, t.seed.channel.id, 'msp_viewer', now);
  return user.id;
}

const cases: RbacCase[] = [
  rbacCase(endpoints.team.list, {
    name: 'list team',
    params: (s) => ({ channelId: s.channel.id }),
    expect: readRoute(200),
  }),
  rbacCase(endpoints.team.add, {
    name: 'add team member',
    params: (s) => ({ channelId: s.channel.id }),
    body: () => {
      sequence += 1;
      return { email: `rbac-added-${sequence}@team.example`, role: 'msp_viewer' as const };
    },
    expect: writeRoute(201),
  }),
  rbacCase(endpoints.team.changeRole, {
    name: 'change team role',
    prepare: async (t) => ({
      params: { channelId: t.seed.channel.id, userId: await freshMember(t) },
      body: { role: 'msp_billing' as const },
    }),
    expect: writeRoute(200),
  }),
  rbacCase(endpoints.team.remove, {
    name: 'remove team member',
    prepare: async (t) => ({ params: { channelId: t.seed.channel.id, userId: await freshMember(t) } }),
    expect: writeRoute(200),
  }),
];

// Every signed-in user may change their own password; a wrong current one answers 400 for all.
const changePassword = rbacCase(endpoints.auth.changePassword, {
  name: 'change own password (wrong current password)',
  body: () => ({ currentPassword: 'not-the-password', newPassword: 'a-fine-new-pass-42' }),
  expect: { ...anyUserRoute(400), anonymous: 401 },
});

describeRbacMatrix('team', [...cases, changePassword]);
