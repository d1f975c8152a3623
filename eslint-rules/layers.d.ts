/** Types for layers.js (plain JavaScript so ESLint loads it without a build step). */
import type { Rule } from 'eslint';

declare const rule: Rule.RuleModule;
export default rule;
