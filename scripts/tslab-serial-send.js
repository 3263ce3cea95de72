// Preloaded into the tslab kernel (node --require, see kernel.json written by scripts/setup.sh).
// zeromq 6 allows only one pending send() per socket and rejects a second one with EBUSY; tslab 1.0.22 calls
// send() without awaiting it, so under load an output or the "idle" status message is silently lost (seen
// under nbconvert: a cell's output missing, then "Timeout waiting for IOPub output"). This queues the sends
// of each socket one after another, so no message is dropped. tslab never awaits what send() returns either, so a
// send that fails (a closed socket) must not reject: an unhandled rejection reaches tslab's handler, whose
// console.error lands in the running cell's stderr (nbgrader fails a cell with stderr output) as one more send.
// The failure is written to the kernel's own stderr instead (the Jupyter server's log), not into a cell.
"use strict";
const fs = require("fs");
const path = require("path");
const zmq = require(require.resolve("zeromq", { paths: [path.dirname(require.resolve("tslab/package.json"))] }));
const send = zmq.Socket.prototype.send;
const queues = new WeakMap();
function serialSend(message) {
  const next = (queues.get(this) ?? Promise.resolve()).then(() => send.call(this, message)).catch(notSent);
  queues.set(this, next);
  return next;
}
function notSent(e) {
  fs.writeSync(2, `tslab-serial-send: a message was not sent (${e && e.message}); the notebook may miss an output\n`);
}
// Socket.prototype.send is read-only; the socket classes tslab uses get their own property instead.
for (const cls of [zmq.Publisher, zmq.Router, zmq.Reply]) {
  Object.defineProperty(cls.prototype, "send", { value: serialSend, writable: true, configurable: true });
}
