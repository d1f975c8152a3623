/** The app's version, read from package.json (the one place it is written). */
import packageJson from '../../package.json' with { type: 'json' };

export const APP_VERSION: string = packageJson.version;
