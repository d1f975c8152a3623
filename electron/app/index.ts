export * from './data-dir';
export * from './start-core';
