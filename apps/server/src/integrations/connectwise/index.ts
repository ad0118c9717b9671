/** Public surface of the ConnectWise PSA integration: the provider factory and the credential encoding. */
export { createConnectWiseProvider } from './connectwise.provider.js';
export { encodeCwCredentials } from './connectwise.credentials.js';
