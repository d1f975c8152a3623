/**
 * The simulated venue: gates, the devices scanning at them, their scanner sessions (which start,
 * rotate and end), the products on sale and a pool of attendees. Deterministic for a seed.
 */
import type { Prng } from './prng';

export type VenuePreset = 'stadium' | 'small';

export interface VenueShape {
  readonly gates: number;
  readonly devices: number;
  readonly attendees: number;
  readonly eventId: string;
}

export const VENUE_PRESETS: Readonly<Record<VenuePreset, VenueShape>> = {
  stadium: { gates: 36, devices: 150, attendees: 60_000, eventId: 'evt-stadium-final' },
  small: { gates: 4, devices: 12, attendees: 2_000, eventId: 'evt-club-night' },
};

export interface Product {
  readonly id: string;
  readonly name: string;
  readonly weight: number;
}

export const PRODUCTS: ReadonlyArray<Product> = [
  { id: 'prod-general', name: 'General admission', weight: 70 },
  { id: 'prod-season', name: 'Season ticket', weight: 18 },
  { id: 'prod-vip', name: 'VIP hospitality', weight: 5 },
  { id: 'prod-family', name: 'Family', weight: 6 },
  { id: 'prod-staff', name: 'Staff and crew', weight: 1 },
];

const FIRST = [
  'Ada',
  'Ben',
  'Chloé',
  'Dmitri',
  'Elif',
  'Farah',
  'Gus',
  'Hana',
  'Ivo',
  'Jana',
  'Kofi',
  'Lena',
  'Mateo',
  'Nia',
  'Oskar',
  'Priya',
  'Quinn',
  'Rosa',
  'Sami',
  'Tomás',
  'Uma',
  'Viktor',
  'Wen',
  'Ximena',
  'Yusuf',
  'Zoë',
  'Amara',
  'Björn',
  'Carmen',
  'Declan',
  'Emeka',
  'Freya',
];
const LAST = [
  'Achebe',
  'Berg',
  'Castillo',
  'Dubois',
  'Eriksen',
  'Fischer',
  'García',
  'Hughes',
  'Ivanova',
  'Jensen',
  'Kowalski',
  'Lindqvist',
  'Moreau',
  'Nakamura',
  'Okafor',
  'Petrov',
  'Quispe',
  'Rossi',
  'Schmidt',
  'Tanaka',
  'Urbina',
  'Varga',
  'Walsh',
  'Yilmaz',
  'Zhang',
  "O'Neill",
  'Müller',
];
const MAIL_DOMAINS = ['example.com', 'mail.example.org', 'fans.example.net'];

export interface Attendee {
  readonly name: string;
  readonly email: string;
}

export interface DeviceState {
  readonly id: string;
  readonly gate: string;
  /** Popularity of the device's lane. */
  readonly weight: number;
  sessionId: string;
  sessionNo: number;
  scansInSession: number;
  /** The session rotates (shift change, re-login) after this many scans. */
  sessionLimit: number;
  /** False while the scanner is switched off or out of reach. */
  active: boolean;
}

export class Venue {
  readonly shape: VenueShape;
  readonly gates: ReadonlyArray<string>;
  readonly devices: ReadonlyArray<DeviceState>;
  private readonly rng: Prng;

  constructor(shape: VenueShape, rng: Prng) {
    this.shape = shape;
    this.rng = rng;
    const gates: string[] = [];
    for (let g = 0; g < shape.gates; g++) {
      const stand = ['North', 'East', 'South', 'West'][g % 4]!;
      gates.push(`${stand} ${String(Math.floor(g / 4) + 1).padStart(2, '0')}`);
    }
    this.gates = gates;
    const devices: DeviceState[] = [];
    for (let d = 0; d < shape.devices; d++) {
      const gate = gates[d % gates.length]!;
      const device: DeviceState = {
        id: `dev-${String(d + 1).padStart(3, '0')}`,
        gate,
        weight: 0.4 + rng.next() * 1.6,
        sessionId: '',
        sessionNo: 0,
        scansInSession: 0,
        sessionLimit: 0,
        active: true,
      };
      this.startSession(device);
      devices.push(device);
    }
    this.devices = devices;
  }

  /** A scanner session starts: on boot, and after each rotation. */
  startSession(device: DeviceState): void {
    device.sessionNo += 1;
    device.sessionId = `ses-${device.id.slice(4)}-${device.sessionNo}-${this.rng.token(4)}`;
    device.scansInSession = 0;
    device.sessionLimit = this.rng.int(150, 900);
  }

  /** The device that scans next; also rotates sessions and switches devices off and on. */
  nextDevice(): DeviceState {
    // Now and then a scanner goes quiet (battery swap, lane closed) and another comes back.
    if (this.rng.chance(0.002)) {
      const victim = this.rng.pick(this.devices);
      const activeCount = this.devices.filter((d) => d.active).length;
      if (victim.active && activeCount > Math.max(1, this.devices.length / 2))
        victim.active = false;
      else if (!victim.active) {
        victim.active = true;
        this.startSession(victim);
      }
    }
    let device = this.rng.weighted(
      this.devices,
      this.devices.map((d) => (d.active ? d.weight : 0)),
    );
    if (!device.active) device = this.devices.find((d) => d.active) ?? device;
    if (device.scansInSession >= device.sessionLimit) this.startSession(device);
    device.scansInSession += 1;
    return device;
  }

  attendee(index: number): Attendee {
    // Derived from the index so the same ticket always has the same holder.
    const first = FIRST[index % FIRST.length]!;
    const last = LAST[Math.floor(index / FIRST.length) % LAST.length]!;
    const domain = MAIL_DOMAINS[index % MAIL_DOMAINS.length]!;
    const local = `${first}.${last}`
      .normalize('NFD')
      .replace(/[^\w.]/g, '')
      .toLowerCase();
    return { name: `${first} ${last}`, email: `${local}.${index}@${domain}` };
  }

  product(): Product {
    return this.rng.weighted(
      PRODUCTS,
      PRODUCTS.map((p) => p.weight),
    );
  }
}
