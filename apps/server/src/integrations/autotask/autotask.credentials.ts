import type { PsaCredentials, PsaError } from '../../psa/psa-provider.port.js';

/**
 * What Autotask can receive: the three credentials travel as HTTP header values (`UserName`,
 * `Secret`, `ApiIntegrationCode`) and the username also in the zone-discovery query string.
 * Header values are bytes 0x20–0x7E here: CR/LF would inject headers, NUL and non-Latin-1 make
 * undici refuse the request (it would surface as a misleading "connection failed"), and a lone
 * UTF-16 surrogate cannot be URI-encoded. Autotask generates API secrets and tracking identifiers
 * in printable ASCII and API usernames are e-mail addresses, so nothing legitimate is refused.
 */
const headerSafe = /^[\x20-\x7e]+$/;

const fields = [
  {
    key: 'username',
    code: 'bad_username',
    label: 'API username',
    advice: 'Copy the API-only user name (an e-mail address) from Autotask, without spaces or line breaks.',
  },
  {
    key: 'secret',
    code: 'bad_secret',
    label: 'API secret',
    advice: "Copy the API user's secret again from Autotask (Admin › Resources › API user).",
  },
  {
    key: 'integrationCode',
    code: 'bad_integration_code',
    label: 'API tracking identifier (integration code)',
    advice: 'Copy the tracking identifier again from the API user’s security settings in Autotask.',
  },
] as const satisfies readonly {
  key: keyof PsaCredentials;
  code: PsaError['code'];
  label: string;
  advice: string;
}[];

/** The first credential Autotask could not receive, as the port's error; null when all can travel. */
export function credentialsProblem(credentials: PsaCredentials): PsaError | null {
  for (const field of fields) {
    const value = credentials[field.key];
    // An empty integration code is the server default being unset: Autotask answers that itself.
    if (value === '' && field.key === 'integrationCode') continue;
    if (headerSafe.test(value) && value.trim() === value) continue;
    return {
      code: field.code,
      message: `The ${field.label} contains characters Autotask cannot receive (only printable ASCII, no leading or trailing spaces).`,
      advice: field.advice,
    };
  }
  return null;
}
