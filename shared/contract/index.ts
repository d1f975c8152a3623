export * from './canonical';
export * from './check-in';
export * from './classify';
export * from './reasons';
export * from './schemas';
export * from './timestamp';
