export * from './data-dir';
export * from '../db/open-store';
export * from './start-core';
export * from '../settings/relay-token';
