/**
 * The reports' native save dialog: the export service asks where to write, the user picks a
 * path (or cancels), attached to the Gate Ops window so it stays on top of it.
 */
import { dialog, type BrowserWindow } from 'electron';
import { join } from 'node:path';
import type { SaveDialog } from '../reports';

export function createSaveDialog(
  window: () => BrowserWindow | null,
  defaultDir: () => string,
): SaveDialog {
  return {
    async chooseSavePath(suggestedName, filters) {
      const options = {
        title: 'Save report',
        defaultPath: join(defaultDir(), suggestedName),
        filters: filters.map((f) => ({ name: f.name, extensions: [...f.extensions] })),
        properties: ['createDirectory', 'showOverwriteConfirmation'] as Array<
          'createDirectory' | 'showOverwriteConfirmation'
        >,
      };
      const parent = window();
      const result = parent
        ? await dialog.showSaveDialog(parent, options)
        : await dialog.showSaveDialog(options);
      return result.canceled || !result.filePath ? null : result.filePath;
    },
  };
}
