/** Public surface of the Autotask integration: the provider factory and its configuration. */
export {
  createAutotaskProvider,
  /** Alias: the provider factory under the name the composition root looks for. */
  createAutotaskProvider as autotaskProvider,
  systemClock,
  type AutotaskProvider,
  type AutotaskProviderConfig,
} from './autotask.provider.js';
export { defaultDiscoveryBaseUrl, type AutotaskLogger } from './autotask.client.js';
export type { Clock } from './autotask.limits.js';
