/**
 * Jest for the frontend's unit tests (src/__tests__): pure logic and models, in Node, no DOM.
 *
 * ts-jest compiles with tsconfig.test.json, which adds the tests and jest's types to the
 * project tsconfig.json builds lib/ from.
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/src'],
  testMatch: ['**/__tests__/**/*.spec.ts'],
  transform: {
    '^.+\\.tsx?$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }]
  }
};
