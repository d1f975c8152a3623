/** Settings and secrets: plain Node, used by both hosts (Electron main and headless mode). */
export * from './atomic-file';
export * from './headless-secret-store';
export * from './open-settings-store';
export * from './secret-store';
export * from './settings-service';
