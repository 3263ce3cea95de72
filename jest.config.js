/** jest: the library's unit tests (test/*.test.ts), run from TypeScript sources through ts-jest. */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  setupFiles: ["<rootDir>/test/setup-platform.ts"],
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json", diagnostics: false }] },
  // the photo tests decode hundreds of JPEGs; on a loaded 2-core machine they were seen to pass 60 s
  testTimeout: 180000,
  maxWorkers: 2,
};
