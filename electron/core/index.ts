export * from './data-dir';
export * from './open-store';
export * from './start-core';
export * from './relay-token';
