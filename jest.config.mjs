// ESM mode: several dependencies (@octokit/*) are ESM-only, and Node 20's jest
// cannot require() them; see ../shared/reference/local-testing.md section 4.
/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/packages', '<rootDir>/infrastructure', '<rootDir>/scripts'],
  testMatch: ['**/tests/**/*.test.ts'],
  extensionsToTreatAsEsm: ['.ts', '.md'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json', 'md'],
  setupFiles: ['<rootDir>/jest.setup.mjs'],
  moduleNameMapper: {
    // core has no root barrel: one entry point per concern (packages/core/README.md)
    '^@enterprise-agents/core/testing$': '<rootDir>/packages/core/testing/index.ts',
    '^@enterprise-agents/core/([a-z-]+)$': '<rootDir>/packages/core/src/$1/index.ts',
    '^@enterprise-agents/([a-z-]+)$': '<rootDir>/packages/$1/src/index.ts',
    '^@enterprise-agents/([a-z-]+)/testing$': '<rootDir>/packages/$1/testing/index.ts',
    '^@enterprise-agents/fakes/([a-z-]+)$': '<rootDir>/packages/fakes/src/$1/index.ts',
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.json' }],
    '^.+\\.md$': '<rootDir>/scripts/jest-text-transform.cjs',
  },
  testTimeout: 30000,
  maxWorkers: 2,
};
