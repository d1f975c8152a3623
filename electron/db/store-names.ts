/** Database (and file) name: `<dataDir>/gate-ops.sqlite`; the demo keeps its own file. */
export const DATABASE_NAME = 'gate-ops';
export const DEMO_DATABASE_NAME = 'gate-ops-demo';
