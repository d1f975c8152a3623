export * from './event-generator';
export * from './relay-history';
export * from './relay-simulator';
export * from './venue';
