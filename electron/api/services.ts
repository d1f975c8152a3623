/**
 * Everything the API handlers call into, as one object both hosts build. It grows by domain:
 * add your service as a field here and your `registerXHandlers` call in register-all.ts.
 */
import type { AppInfo } from '../../shared/api/channels/app';
import type { DashboardServices } from '../app/dashboard-services';
import type { ExportService } from '../reports/export-service';
import type { SettingsService } from '../settings/settings-service';

export interface ApiServices extends Partial<DashboardServices> {
  /** `app:info`: what host runs the core and whether the data is simulated. */
  readonly appInfo?: () => AppInfo;
  /** `settings:*`: settings and the write-only relay token (electron/settings). */
  readonly settings?: SettingsService;
  /** `reports:*`: attendance exports (electron/reports). */
  readonly reports?: ExportService;
}
