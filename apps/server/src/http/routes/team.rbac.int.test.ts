import { grantRole, insertUser } from '../../auth/user.repository.js';
import {
  anyUserRoute,
  describeRbacMatrix,
  readRoute,
  writeRoute,
  type RbacCase,
} from '../../../test/rbac-matrix.js';
import type { TestApp } from '../../../test/test-app.js';

let sequence = 0;
const team = (t: TestApp): string => `/api/workspaces/${t.seed.channel.id}/team`;

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
  {
    name: 'list team',
    method: 'GET',
    url: () => '',
    prepare: (t) => Promise.resolve({ url: team(t) }),
    expect: readRoute(200),
  },
  {
    name: 'add team member',
    method: 'POST',
    url: () => '',
    prepare: (t) => {
      sequence += 1;
      return Promise.resolve({
        url: team(t),
        payload: { email: `rbac-added-${sequence}@team.example`, role: 'msp_viewer' },
      });
    },
    expect: writeRoute(201),
  },
  {
    name: 'change team role',
    method: 'PATCH',
    url: () => '',
    prepare: async (t) => ({ url: `${team(t)}/${await freshMember(t)}`, payload: { role: 'msp_billing' } }),
    expect: writeRoute(200),
  },
  {
    name: 'remove team member',
    method: 'DELETE',
    url: () => '',
    prepare: async (t) => ({ url: `${team(t)}/${await freshMember(t)}` }),
    expect: writeRoute(200),
  },
];

// Every signed-in user may change their own password; a wrong current one answers 400 for all.
const changePassword: RbacCase = {
  name: 'change own password (wrong current password)',
  method: 'POST',
  url: () => '/api/auth/password',
  payload: () => ({ currentPassword: 'not-the-password', newPassword: 'a-fine-new-pass-42' }),
  expect: { ...anyUserRoute(400), anonymous: 401 },
};

describeRbacMatrix('team', [...cases, changePassword]);
