/**
 * `settings:import-expected`: a CSV of expected tickets, part by part; on the last part the
 * counts replace the expected attendance in the settings (gates too when the file has a gate
 * column; otherwise the gates set by hand stay).
 */
import type { ExpectedTicketsImport } from '../activity';
import type { SettingsService } from '../settings';
import type { ApiRouter } from './router';

export function registerCapacityHandlers(
  router: ApiRouter,
  services: { settings: SettingsService; expected: ExpectedTicketsImport; now?: () => number },
): void {
  const { settings, expected } = services;
  const now = services.now ?? Date.now;
  router.handle('settings:import-expected', async (req) => {
    const { importId, result } = await expected.part(req);
    if (!result) return { importId, result: null, view: null };
    const current = settings.get().capacity;
    const view = await settings.update({
      capacity: {
        events: result.events,
        gates: Object.keys(result.gates).length > 0 ? result.gates : current.gates,
        source: { fileName: result.fileName, tickets: result.tickets, importedAt: now() },
      },
    });
    return { importId, result, view };
  });
}
