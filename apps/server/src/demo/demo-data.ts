import type { ChildStatus } from '@coro/contracts';

/** The Coro side of the demo story (docs/demo-data.md). Names must match that table exactly. */
export const demoChannelName = 'Northwind MSP';

export const demoChildren: readonly { readonly name: string; readonly status: ChildStatus }[] = [
  ...[
    'Acme Corporation',
    'Blue Harbor Logistics',
    'Cedar Ridge Dental',
    'Delta Freight Partners',
    'Evergreen Law Group',
    'Falcon Aerospace',
    'Granite Peak Construction',
    'Harborview Medical',
    'Ironclad Security Services',
    'Juniper Financial',
    'Keystone Realty',
    'Lakeside Veterinary',
    'Maple Street Bakery',
    'Northstar Engineering',
    'Oakwood Academy',
    'Pinecrest Hotels',
    'Quantum Analytics',
    'Redwood Insurance',
    'Silverline Media',
    'Summit Accounting',
    'Trident Marine',
    'Union Square Dental',
    'Vantage Point Consulting',
    'Westbrook Manufacturing',
    'Yellowstone Outfitters',
    'Zenith Pharmaceuticals',
    'Aurora Charter School',
    'Brightside Pediatrics',
    'Coastal Credit Union',
    'Dunmore Architects',
    'Elm Grove Library',
    'Foxtrot Distribution',
    'Glacier Bay Fisheries',
  ].map((name) => ({ name, status: 'Subscription' as const })),
  { name: 'Hollow Creek Farms', status: 'Inactive' },
  { name: 'Indigo Design Studio', status: 'Trial' },
  { name: 'Jasper Legal', status: 'New' },
  { name: 'Kestrel Robotics', status: 'Subscription' },
  { name: 'Lighthouse Counseling', status: 'Subscription' },
  { name: 'Meridian Travel', status: 'Subscription' },
  { name: 'Nimbus Cloud Services', status: 'Subscription' },
];

/** Services every demo workspace uses (the ones the sandbox's recurring contracts hold). */
export const demoCoreServices = ['endpoint_security', 'edr', 'email_security', 'secure_messages'] as const;
/** Extra services some workspaces use, so the service mapping page has unmapped rows too. */
export const demoExtraServices = [
  'cloud_security',
  'security_awareness_training',
  'mobile_device_management',
] as const;

export const demoUsers = {
  admin: {
    email: 'admin@northwind.example',
    password: 'demo-admin-2026!',
    displayName: 'Nora Admin (Northwind)',
  },
  viewer: {
    email: 'viewer@northwind.example',
    password: 'demo-viewer-2026!',
    displayName: 'Victor Viewer (Northwind)',
  },
} as const;

export const southpoint = {
  channelName: 'Southpoint IT',
  children: [
    { name: 'Harbor Lights Cafe', status: 'Subscription' },
    { name: 'Ridgeway Pharmacy', status: 'Subscription' },
    { name: 'Orchard Hill Vets', status: 'Trial' },
  ] as const satisfies readonly { name: string; status: ChildStatus }[],
  admin: {
    email: 'admin@southpoint.example',
    password: 'demo-southpoint-2026!',
    displayName: 'Sam Admin (Southpoint)',
  },
} as const;

export const DEMO_HISTORY_DAYS = 90;
