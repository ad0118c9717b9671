import type { AppContext } from '../app/app-context.js';
import { refreshLookups } from './lookup.service.js';

/**
 * Reads a connector's PSA lookups (companies, services) after CONNECT or a tenant change,
 * without making the request wait or fail: through the `lookups.refresh` job when the app has a
 * queue, otherwise (tests without one) in the background. A failure here is only logged; the
 * admin can still refresh by hand, and a credential failure already marks the connector.
 */
export async function requestLookupRefresh(ctx: AppContext, connectorId: string): Promise<void> {
  const logger = ctx.logger.child({ component: 'lookups', connectorId });
  if (ctx.jobs) {
    try {
      await ctx.jobs.enqueue('lookups.refresh', { connectorId });
    } catch (error) {
      logger.warn({ err: error }, 'could not enqueue the lookup refresh');
    }
    return;
  }
  void refreshLookups(ctx, connectorId).catch((error: unknown) => {
    logger.warn({ err: error }, 'background lookup refresh failed');
  });
}
