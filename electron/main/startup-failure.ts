/**
 * What the user sees when Gate Ops cannot start. A damaged database has already been moved aside
 * by the storage (never deleted); the user chooses between starting again with an empty one and
 * quitting. Anything else: an error box, then quit. Never a silent reset.
 */
import { app, dialog } from 'electron';
import { StorageDamagedError } from '../storage';

export function reportStartupFailure(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  console.error('[gate-ops] fatal:', error);
  if (error instanceof StorageDamagedError) {
    // The damaged file is already kept aside; the user decides whether to go on without it.
    const choice = dialog.showMessageBoxSync({
      type: 'error',
      title: 'Gate Ops',
      message: 'The Gate Ops database is damaged',
      detail: message,
      buttons: ['Start with an empty database', 'Quit'],
      defaultId: 1,
      cancelId: 1,
    });
    if (choice === 0) app.relaunch();
    app.exit(choice === 0 ? 0 : 1);
    return;
  }
  dialog.showErrorBox('Gate Ops could not start', message);
  app.exit(1);
}
