export * from './collections/checkins';
export * from './collections/conflicts';
export * from './collections/quarantine';
export * from './collections/state';
export * from './collections/tickets';
export * from './database';
export * from './ids';
