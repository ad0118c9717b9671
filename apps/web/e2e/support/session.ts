/** Signing in to the console as one of the demo seed's users, and the console's own page URLs. */
import type { Page } from 'playwright-core';

export interface Credentials {
  readonly email: string;
  readonly password: string;
}

export const admin: Credentials = { email: 'admin@northwind.example', password: 'demo-admin-2026!' };
export const viewer: Credentials = { email: 'viewer@northwind.example', password: 'demo-viewer-2026!' };

/** Fills the sign-in form already on `page`, submits it and waits for the Connectors page. */
export async function submitSignIn(page: Page, who: Credentials): Promise<void> {
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Connectors', level: 1 }).waitFor();
}

/** Signs `page` in as `who` (the admin by default); answers the channel the console landed on. */
export async function signIn(page: Page, baseUrl: string, who: Credentials = admin): Promise<string> {
  await page.goto(`${baseUrl}/login`);
  await submitSignIn(page, who);
  return channelIdOf(page);
}

/** The channel in the console's current URL (`/channels/<id>/…`), '' when there is none. */
export const channelIdOf = (page: Page): string => /\/channels\/([^/]+)\//.exec(page.url())?.[1] ?? '';
/** A connector's page in the console, e.g. `…/connectors/psa/<id>/sync`; the list without an id. */
export function connectorPageUrl(
  baseUrl: string,
  ids: { readonly channelId: string; readonly connectorId?: string },
  section?: string,
): string {
  const list = `${baseUrl}/channels/${ids.channelId}/control-panel/connectors/psa`;
  if (ids.connectorId === undefined) return list;
  return section === undefined ? `${list}/${ids.connectorId}` : `${list}/${ids.connectorId}/${section}`;
}
