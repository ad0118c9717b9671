/** Public surface of the Autotask integration: the provider factory and its configuration. */
export {
  createAutotaskProvider,
  type AutotaskProvider,
  type AutotaskProviderConfig,
} from './autotask.provider.js';
