/**
 * Imported first by main.tsx, before any schema is parsed (shared/settings.ts parses its
 * defaults when it loads): the page's CSP has no 'unsafe-eval', so zod's compiled-parser probe
 * (`new Function`) would be refused anyway and reported as a CSP violation on every start.
 */
import { z } from 'zod';

z.config({ jitless: true });
