// The check that no test file leaves a handle open (test/open-handles-environment.js, every file's jest environment):
// it fails a file that leaves a server listening or a timer pending, names what was left, and passes once it is closed.
import * as http from "http";
import * as path from "path";

// eslint-disable-next-line @typescript-eslint/no-var-requires
const OpenHandlesEnvironment = require("./open-handles-environment");
// eslint-disable-next-line @typescript-eslint/no-var-requires
const jestConfig = require("../jest.config");

/** A fresh environment, as jest makes one for a test file. */
const environment = () =>
  new OpenHandlesEnvironment({ globalConfig: {}, projectConfig: { testEnvironmentOptions: {}, globals: {} } }, { console, docblockPragmas: {}, testPath: "/leaky.test.ts" });

test("jest runs every test file, in both projects, in the environment that checks for open handles", () => {
  const projects: { displayName: string; testEnvironment: string }[] = jestConfig.projects;
  expect(projects.map((p) => p.displayName)).toEqual(["unit", "integration"]);
  for (const p of projects) expect(p.testEnvironment.replace("<rootDir>", path.resolve(__dirname, ".."))).toBe(require.resolve("./open-handles-environment"));
});

test("a file that leaves a server listening and a timer pending fails, naming both; closed, it passes", async () => {
  const leaky = environment();
  await leaky.setup();
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const timer = setTimeout(() => undefined, 60_000);
  try {
    await expect(leaky.teardown()).rejects.toThrow(/\/leaky\.test\.ts left open, 1000 ms after its last test and afterAll: (TCPServerWrap, Timeout|Timeout, TCPServerWrap)\./);
  } finally {
    clearTimeout(timer);
    await new Promise((resolve) => server.close(resolve));
  }
  const clean = environment();
  await clean.setup();
  const closing = http.createServer();
  await new Promise<void>((resolve) => closing.listen(0, "127.0.0.1", () => resolve()));
  closing.close(); // closed in the file's last moment: the check waits for it
  await expect(clean.teardown()).resolves.toBeUndefined();
});
