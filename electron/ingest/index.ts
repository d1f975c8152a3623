export * from './batch-commit';
export * from './ingest-pipeline';
export * from './store-fault';
export * from './store-health';
