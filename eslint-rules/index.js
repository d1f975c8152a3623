/** The `gate-ops` ESLint plugin: the layout's boundaries (README.md in this folder). */
import layers from './layers.js';
import noTestCode from './no-test-code.js';

export default {
  meta: { name: 'gate-ops' },
  rules: { layers, 'no-test-code': noTestCode },
};
