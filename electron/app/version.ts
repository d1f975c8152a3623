/**
 * The app's version, read from package.json (the one place it is written). A named import, so
 * the bundlers keep only this field, not the whole manifest (its dependency lists included).
 */
import { version } from '../../package.json';

export const APP_VERSION: string = version;
