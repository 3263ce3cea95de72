"""A student's kernel killed at the memory cap becomes a message to that student (hub/accounts.py, docs/hub.md).

The hub puts each student's server and kernels in a memory cgroup; a kernel that allocates past the limit is killed
by the host's OOM killer (SIGKILL: it can say nothing itself), and Jupyter Server restarts it. This connection class
(jupyter_server's kernel websocket, started with --ServerApp.kernel_websocket_connection_class=memory_guard.
MemoryGuardConnection by hub/start-singleuser.sh) reads the cgroup's OOM-kill counter when the kernel restarts: if
it went up, it writes a Japanese message into the cell that was running (a stderr stream output, the cell's
parent header) before the usual "restarting" status. Other students are in other cgroups and never see it.
"""
import json
from pathlib import Path

from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection
from jupyter_server.services.kernels.connection.base import deserialize_msg_from_ws_v1, serialize_msg_to_ws_v1


def own_memory_cgroup():
    """(the OOM-kill counter's file, the limit in bytes) of this process's memory cgroup, or (None, None)."""
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        _, controllers, path = line.split(":", 2)
        if "memory" in controllers.split(","):  # cgroup v1
            d = Path("/sys/fs/cgroup/memory") / path.lstrip("/")
            if (d / "memory.oom_control").exists():
                return d / "memory.oom_control", int((d / "memory.limit_in_bytes").read_text())
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        if line.startswith("0::"):
            for base in (Path("/sys/fs/cgroup"), Path("/sys/fs/cgroup/unified")):
                d = base / line[3:].lstrip("/")
                if (d / "memory.events").exists() and (d / "memory.max").exists():
                    limit = (d / "memory.max").read_text().strip()
                    return d / "memory.events", None if limit == "max" else int(limit)
    return None, None


def oom_kills(counter):
    if counter is None:
        return 0
    for line in counter.read_text().splitlines():
        key, _, value = line.partition(" ")
        if key == "oom_kill":
            return int(value)
    return 0


MESSAGE = """
⚠ メモリの上限（{limit}）を超えたため、このカーネルは停止されました（ほかの学生には影響ありません）。
カーネルは自動で再起動しましたが、変数はすべて消えています。必要なセルを上から実行し直してください。
対処: ループの中で作るテンソルは tf.tidy(() => ...) で囲むか、使い終わったら .dispose() してください
（tf.memory().numTensors が増え続けていないか確認できます）。大きなデータは一部だけ読み込んでください。
"""


class MemoryGuardConnection(ZMQChannelsWebsocketConnection):
    counter, limit = own_memory_cgroup()
    last_request = None

    def connect(self):
        self.seen = oom_kills(self.counter)
        return super().connect()

    def handle_incoming_message(self, incoming_msg):
        try:  # remember the last execute_request: the message goes into that cell
            if self.subprotocol == "v1.kernel.websocket.jupyter.org":
                channel, parts = deserialize_msg_from_ws_v1(incoming_msg)
                header = json.loads(parts[0])
            else:
                m = json.loads(incoming_msg)
                channel, header = m.get("channel"), m.get("header")
            if channel == "shell" and header.get("msg_type") == "execute_request":
                self.last_request = header
        except Exception:
            pass
        super().handle_incoming_message(incoming_msg)

    def on_kernel_restarted(self):
        kills = oom_kills(self.counter)
        if kills > getattr(self, "seen", 0):
            self.seen = kills
            self.log.warning("kernel %s was killed at the memory cap (%s bytes)", self.kernel_id, self.limit)
            limit = f"{self.limit / 2**30:.1f} GiB" if self.limit else "このサーバーの上限"
            msg = self.session.msg("stream", {"name": "stderr", "text": MESSAGE.format(limit=limit)}, parent=self.last_request or {})
            if self.subprotocol == "v1.kernel.websocket.jupyter.org":
                self.write_message(serialize_msg_to_ws_v1(msg, "iopub", self.session.pack), binary=True)
            else:
                msg["channel"] = "iopub"
                self.write_message(json.dumps(msg, default=str))
        super().on_kernel_restarted()
