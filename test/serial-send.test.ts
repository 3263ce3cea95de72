// scripts/tslab-serial-send.js (preloaded into the tslab kernel): zeromq sends queued one after another, and a send
// that fails does not reject (tslab never awaits it: an unhandled rejection would reach the running cell's stderr).
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.join(__dirname, "..");
const tslabDir = path.dirname(require.resolve("tslab/package.json"));
const ZMQ = require.resolve("zeromq", { paths: [tslabDir] });

test("a send on a closed socket resolves, is written to the process's stderr, and raises no unhandled rejection", () => {
  // a fresh node process with the preload's script, as the kernel has it
  const script = `
    require(${JSON.stringify(path.join(ROOT, "scripts", "tslab-serial-send.js"))});
    const zmq = require(${JSON.stringify(ZMQ)});
    const unhandled = [];
    process.on("unhandledRejection", (reason) => unhandled.push(String(reason)));
    const socket = new zmq.Publisher();
    socket.close();
    const sent = socket.send("lost"); // as tslab calls it: the promise is dropped
    sent.then((v) => setTimeout(() => console.log(JSON.stringify({ resolved: v === undefined, unhandled })), 50));`;
  const r = spawnSync(process.execPath, ["-e", script], { cwd: ROOT, encoding: "utf8", timeout: 30000 });
  expect(r.status).toBe(0);
  expect(JSON.parse(r.stdout.trim())).toEqual({ resolved: true, unhandled: [] });
  expect(r.stderr).toMatch(/^tslab-serial-send: a message was not sent \(.+\); the notebook may miss an output\n$/);
});

test("sends of one socket go out in order, none lost when nobody awaits them (as tslab sends)", async () => {
  const zmq = require(ZMQ) as typeof import("zeromq");
  require("../scripts/tslab-serial-send.js");
  const pub = new zmq.Publisher();
  const sub = new zmq.Subscriber();
  const dir = fs.mkdtempSync("/tmp/serial-send-");
  try {
    await pub.bind(`ipc://${dir}/s`);
    sub.connect(`ipc://${dir}/s`);
    sub.subscribe();
    await new Promise((resolve) => setTimeout(resolve, 200)); // a subscriber gets only what is sent after it joined
    const sends = Array.from({ length: 20 }, (_, i) => pub.send(`m${i}`)); // zeromq alone rejects the second (EBUSY)
    await Promise.all(sends);
    const got: string[] = [];
    for (let i = 0; i < 20; i++) got.push(String((await sub.receive())[0]));
    expect(got).toEqual(Array.from({ length: 20 }, (_, i) => `m${i}`));
  } finally {
    pub.close();
    sub.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
