import type { BillingBasis, ServiceKind } from '@coro/contracts';

/**
 * The Coro modules and add-ons as of the first release, in console order. Seeded by the core
 * migration; later additions are new migrations that insert rows (never edit a released key: it is
 * the join key of usage rows and service mappings).
 */
export interface CatalogSeedEntry {
  readonly key: string;
  readonly name: string;
  readonly kind: ServiceKind;
  readonly billingBasis: BillingBasis;
}

export const catalogSeed: readonly CatalogSeedEntry[] = [
  { key: 'endpoint_security', name: 'Endpoint Security', kind: 'module', billingBasis: 'devices' },
  { key: 'edr', name: 'EDR', kind: 'module', billingBasis: 'devices' },
  { key: 'email_security', name: 'Email Security', kind: 'module', billingBasis: 'users' },
  { key: 'cloud_security', name: 'Cloud Security', kind: 'module', billingBasis: 'users' },
  { key: 'user_data_governance', name: 'User Data Governance', kind: 'module', billingBasis: 'users' },
  {
    key: 'endpoint_data_governance',
    name: 'Endpoint Data Governance',
    kind: 'module',
    billingBasis: 'devices',
  },
  {
    key: 'mobile_device_management',
    name: 'Mobile Device Management',
    kind: 'module',
    billingBasis: 'devices',
  },
  {
    key: 'security_awareness_training',
    name: 'Security Awareness Training',
    kind: 'module',
    billingBasis: 'users',
  },
  { key: 'secure_messages', name: 'Secure Messages', kind: 'addon', billingBasis: 'users' },
  { key: 'inbound_gateway', name: 'Inbound Gateway', kind: 'addon', billingBasis: 'users' },
  { key: 'wifi_phishing', name: 'Wi-Fi Phishing', kind: 'addon', billingBasis: 'devices' },
  { key: 'secure_web_gateway', name: 'Secure Web Gateway', kind: 'addon', billingBasis: 'devices' },
];
