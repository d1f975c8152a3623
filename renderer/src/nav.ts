/** Where the supervisor is: the view and the drill-down filters it carries. */
export const VIEWS = [
  { id: 'overview', label: 'Overview', key: '1' },
  { id: 'gates', label: 'Gates', key: '2' },
  { id: 'sessions', label: 'Sessions', key: '3' },
  { id: 'devices', label: 'Devices', key: '4' },
  { id: 'checkins', label: 'Check-ins', key: '5' },
  { id: 'alerts', label: 'Alerts', key: '6' },
  { id: 'quarantine', label: 'Quarantine', key: '7' },
  { id: 'reports', label: 'Reports', key: '8' },
  { id: 'settings', label: 'Settings', key: '9' },
] as const;

export type ViewId = (typeof VIEWS)[number]['id'];

export interface Nav {
  readonly view: ViewId;
  readonly gate?: string;
  readonly deviceId?: string;
  readonly sessionId?: string;
  readonly text?: string;
}

export type Navigate = (nav: Nav) => void;
