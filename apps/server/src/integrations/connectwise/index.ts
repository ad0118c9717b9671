/** Public surface of the ConnectWise PSA integration: the provider factory and its configuration. */
export {
  createConnectWiseProvider,
  type ConnectWiseProvider,
  type ConnectWiseProviderConfig,
} from './connectwise.provider.js';
export { encodeCwCredentials, type CwCredentialFields } from './connectwise.credentials.js';
