/**
 * The demo venue, a product feature of its own: a generated venue (gates, devices, sessions,
 * arrival curve, faults) served by a relay simulator that speaks the relay protocol's other end,
 * so the app runs the same ingest path as against a real relay. Imports the relay client's
 * protocol constants through its index and shared/; nothing else of the app.
 */
export * from './event-generator';
export * from './relay-history';
export * from './relay-simulator';
export * from './venue';
