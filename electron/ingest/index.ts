export * from './batch-commit';
export * from './ingest-pipeline';
export * from '../db/ingest-totals';
export * from '../db/store-stats';
