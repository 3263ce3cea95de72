// Preloaded into the tslab kernel (node --require, see kernel.json written by scripts/setup.sh).
// zeromq 6 allows only one pending send() per socket and rejects a second one with EBUSY; tslab 1.0.22 calls
// send() without awaiting it, so under load an output or the "idle" status message is silently lost (seen
// under nbconvert: a cell's output missing, then "Timeout waiting for IOPub output"). This queues the sends
// of each socket one after another, so no message is dropped.
"use strict";
const path = require("path");
const zmq = require(require.resolve("zeromq", { paths: [path.dirname(require.resolve("tslab/package.json"))] }));
const send = zmq.Socket.prototype.send;
const queues = new WeakMap();
function serialSend(message) {
  const next = (queues.get(this) ?? Promise.resolve()).then(() => send.call(this, message));
  queues.set(this, next.catch(() => undefined));
  return next;
}
// Socket.prototype.send is read-only; the socket classes tslab uses get their own property instead.
for (const cls of [zmq.Publisher, zmq.Router, zmq.Reply]) {
  Object.defineProperty(cls.prototype, "send", { value: serialSend, writable: true, configurable: true });
}
