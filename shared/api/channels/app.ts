import { z } from 'zod';
import { query } from '../define';

export const appInfoSchema = z.object({
  version: z.string(),
  host: z.enum(['electron', 'headless']),
  /** True when the built-in relay simulator feeds the app (no relay configured). */
  demo: z.boolean(),
  dataDir: z.string(),
});
export type AppInfo = z.infer<typeof appInfoSchema>;

export const appChannels = {
  'app:info': query(z.object({}).strict(), appInfoSchema),
};

export const appMethods = {
  getAppInfo: { kind: 'query', channel: 'app:info' },
} as const;
