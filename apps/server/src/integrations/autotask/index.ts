/** Public surface of the Autotask integration: the provider factory and its configuration. */
export {
  createAutotaskProvider,
  systemClock,
  type AutotaskProvider,
  type AutotaskProviderConfig,
} from './autotask.provider.js';
export { defaultDiscoveryBaseUrl, type AutotaskLogger } from './autotask.client.js';
export type { Clock } from './autotask.limits.js';
