/** jest: the library's unit tests (test/*.test.ts), run from TypeScript sources through ts-jest. */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json", diagnostics: false }] },
  setupFiles: ["<rootDir>/test/setup-env.js"],
  testTimeout: 60000,
  maxWorkers: 2,
};
