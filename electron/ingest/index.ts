export * from './batch-commit';
export * from './ingest-pipeline';
