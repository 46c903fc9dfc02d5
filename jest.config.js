// Three groups, each runnable alone (`npm run test:unit|test:contract|test:e2e`); `npm test` runs all.
const transform = {
  '^.+\\.ts$': [
    '@swc/jest',
    { jsc: { parser: { syntax: 'typescript' }, target: 'es2023' }, module: { type: 'es6' } },
  ],
};
const group = (name, extra = {}) => ({
  displayName: name,
  testEnvironment: 'node',
  roots: [`<rootDir>/test/${name}`],
  testMatch: ['**/*.test.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  transform,
  ...extra,
});

/** @type {import('jest').Config} */
export default {
  projects: [group('unit'), group('contract'), group('e2e')],
  testTimeout: 60_000,
  reporters: ['default', '<rootDir>/scripts/jest-summary-reporter.js'],
};
