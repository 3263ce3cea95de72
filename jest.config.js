/**
 * jest: the library's tests (test/*.test.ts), run from TypeScript sources through ts-jest, in two projects:
 *   unit         the core's own tests that start no kernel, server or notebook and read no data files: quick, and
 *                `npm run test:unit` runs them on the cpu backend (the core is pure TensorFlow.js: any backend)
 *   integration  everything else: data files, backends and accelerators, kernels, notebooks, servers, faults
 * `npm test` (scripts/test.sh) runs both, each file once, on the native backend.
 * Every file runs in test/open-handles-environment.js: Node's environment, and the file fails when it leaves a server,
 * socket, child process, timer or worker open (what would keep jest's worker from exiting).
 */
const UNIT = ["metrics", "plot-figures", "plot", "progress", "report", "augment", "layers", "provenance"].map((n) => `<rootDir>/test/${n}.test.ts`);

const project = {
  testEnvironment: "<rootDir>/test/open-handles-environment.js",
  roots: ["<rootDir>/test"],
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json", diagnostics: false }] },
  // every test runs with the Node platform, as notebooks do (lib/index.ts installs it)
  setupFiles: ["<rootDir>/test/setup-platform.ts"],
  setupFilesAfterEnv: ["<rootDir>/test/end-wasm-threads.ts"], // ends the file's WebAssembly threads (see there)
};

module.exports = {
  projects: [
    { ...project, displayName: "unit", testMatch: UNIT },
    { ...project, displayName: "integration", testMatch: ["<rootDir>/test/**/*.test.ts"], testPathIgnorePatterns: ["/node_modules/", ...UNIT] },
  ],
  // the photo tests decode hundreds of JPEGs; on a loaded 2-core machine they were seen to pass 60 s
  testTimeout: 180000,
  maxWorkers: 2,
  // a worker that has grown past 600 MB after a file is replaced by a fresh one: jest gives a worker 500 ms to end, and
  // the kernel's teardown of a 1.0-1.2 GB worker (threads, WebAssembly memories) took longer on a busy machine
  // (instrumented: 442-815 ms from the end message to jest seeing the exit; with this, 21-107 ms)
  workerIdleMemoryLimit: "600MB",
};
