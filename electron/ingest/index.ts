export * from './batch-commit';
export * from './ingest-pipeline';
export * from './ingest-totals';
export * from './store-stats';
