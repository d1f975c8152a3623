/**
 * Everything the API handlers call into, as one object the composition root (electron/app)
 * builds. It grows by domain: add your service as a field here and your `registerXHandlers`
 * call in register-all.ts. Only types of the feature folders: the api floor never starts them.
 */
import type { AppInfo } from '../../shared/api/channels/app';
import type {
  ActivityService,
  CheckinSearch,
  ExpectedTicketsImport,
  ConflictBrowser,
  QuarantineBrowser,
} from '../activity';
import type { AlertService, RelayStatusSource, StatusService } from '../alerts';
import type { ExportService } from '../reports';
import type { SettingsService } from '../settings';
import type { ShiftLog, VenueSync } from '../sync';

export interface ApiServices {
  /** `app:info`: what host runs the core and whether the data is simulated. */
  readonly appInfo?: () => AppInfo;
  /** `activity:*`: the live aggregates (electron/activity). */
  readonly activity?: ActivityService;
  /** `alerts:*` (electron/alerts). */
  readonly alerts?: AlertService;
  /** `checkins:*`: search and drill-down over stored check-ins (electron/activity). */
  readonly checkins?: CheckinSearch;
  /** `quarantine:*`: the quarantine browser (electron/activity). */
  readonly quarantine?: QuarantineBrowser;
  /** `conflicts:*`: conflicting redeliveries, beside quarantine (electron/activity). */
  readonly conflicts?: ConflictBrowser;
  /** `settings:import-expected`: CSVs of expected tickets (electron/activity). */
  readonly expected?: ExpectedTicketsImport;
  /** `status:*`: the banner's health, relay outages, retry now (electron/alerts). */
  readonly status?: StatusService;
  /** `relay:*`: the relay link's status. */
  readonly relay?: RelayStatusSource;
  /** `settings:*`: settings and the write-only relay token (electron/settings). */
  readonly settings?: SettingsService;
  /** `reports:*`: attendance exports (electron/reports). */
  readonly reports?: ExportService;
  /** `sync:*`: venue sync (electron/sync). */
  readonly sync?: VenueSync;
  /** `notes:*`: the shift log (electron/sync/team). */
  readonly shiftLog?: ShiftLog;
}
