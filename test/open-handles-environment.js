// jest's test environment for every test file (jest.config.js): Node's, plus a check at the end of each file that
// the file left nothing open that keeps the process alive (a server, a socket, a child process, a timer, a worker
// thread). Such a leftover keeps jest's worker, which runs many files, from ending: jest then prints "A worker process
// has failed to exit gracefully and has been force exited" after the run, naming no file. This check fails the file
// that left it, naming what it left. (It found none in the 38 files at the time it was written: the last leak, a
// socket of a failed download, was closed in lib/node/data/sources.ts, test/faults-network.test.ts holds it.)
// Worker threads that are unref'd are not counted here: the WebAssembly backend's (8 a test file that uses it, one
// backend per file's registry) kept piling up in jest's workers, which then had to stop them all in process.exit(),
// and jest printed the line above; test/end-wasm-threads.ts ends them after each file. jest force-exits a worker that
// is not gone 500 ms after it was told to end. Logged on a 2-core machine under load ~17 (numbers in the commit that added this file): both
// workers reached process.on("exit") within 30 ms of the end message, one was already exited (a zombie) when the
// 500 ms timer fired and the other still running its exit.
// Counted: Node's process.getActiveResourcesInfo(), the resources keeping the event loop alive (ref'd handles,
// requests, timers), after the file's own afterAll hooks, compared with before the file ran (same names, counted).
// Something closed in the last afterAll may need a moment (a socket's close, a child's exit): the check waits up to
// GRACE_MS. When jest runs a single file in its own process (no workers), jest's own timers are counted too and may
// hide a leftover timer of the same kind; jest then prints "Jest did not exit one second after the test run".
const { TestEnvironment } = require("jest-environment-node");

const GRACE_MS = 1000;

/** What `after` has more of than `before` (both lists of resource type names, each counted). */
function added(before, after) {
  const left = new Map();
  for (const name of before) left.set(name, (left.get(name) ?? 0) + 1);
  const extra = [];
  for (const name of after) {
    const n = left.get(name) ?? 0;
    if (n > 0) left.set(name, n - 1);
    else extra.push(name);
  }
  return extra;
}

class OpenHandlesEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    this.testPath = context.testPath;
  }

  async setup() {
    await super.setup();
    // the process's own stdout and stderr are made on first use and stay: made here, they are in the baseline
    void process.stdout;
    void process.stderr;
    this.before = process.getActiveResourcesInfo();
  }

  async teardown() {
    await super.teardown();
    const until = Date.now() + GRACE_MS;
    let extra = added(this.before, process.getActiveResourcesInfo());
    while (extra.length > 0 && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      extra = added(this.before, process.getActiveResourcesInfo());
    }
    if (extra.length > 0) {
      throw new Error(
        `${this.testPath} left open, ${GRACE_MS} ms after its last test and afterAll: ${extra.join(", ")}. ` +
          `Close it in the test (server.close(), socket.destroy(), child.kill(), clearTimeout, worker.terminate()) or unref() it; ` +
          `run this file alone with --detectOpenHandles to see where it was opened.`,
      );
    }
  }
}

module.exports = OpenHandlesEnvironment;
