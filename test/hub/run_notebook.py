"""Runs a notebook in a Jupyter server the way JupyterLab's Run All does, over the server's HTTP API: a session
(REST) starts the kernel, each code cell goes as an execute_request over the kernel's websocket, the outputs come
back as iopub messages and are written into the cells, and the notebook is saved back through the contents API.
Used by test/hub/hub_test.py (one student's server behind JupyterHub, addressed with the student's token).
"""
import asyncio
import datetime
import json
import uuid

import nbformat
from tornado.httpclient import AsyncHTTPClient, HTTPRequest
from tornado.websocket import websocket_connect


def _now():
    return datetime.datetime.now(datetime.timezone.utc).isoformat().replace("+00:00", "Z")


def printed(outputs):
    """What the outputs printed (their streams' text, in order), as one string."""
    return "".join(o.get("text", "") for o in outputs or [])


def printed_by(nb):
    """What a run notebook's cells printed, as one string."""
    return printed(o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "stream")


class ServerAPI:
    """A Jupyter server at `base` (e.g. http://127.0.0.1:8000/user/alice/), authenticated with `token`."""

    def __init__(self, base, token):
        self.base, self.token = base.rstrip("/") + "/", token
        self.http = AsyncHTTPClient()

    async def call(self, method, path, body=None, timeout=120):
        r = await self.http.fetch(HTTPRequest(
            self.base + path, method=method, headers={"Authorization": f"token {self.token}"},
            body=None if body is None else json.dumps(body), request_timeout=timeout), raise_error=True)
        return json.loads(r.body) if r.body else None


class Kernel:
    """One kernel of the server, started through a notebook session, talked to over its websocket."""

    def __init__(self, api, path, kernel_name):
        self.api, self.path, self.kernel_name = api, path, kernel_name
        self.session = uuid.uuid4().hex

    async def __aenter__(self):
        s = await self.api.call("POST", "api/sessions", {"path": self.path, "name": self.path.rsplit("/", 1)[-1],
                                                          "type": "notebook", "kernel": {"name": self.kernel_name}},
                                timeout=600)  # ten kernels starting at once on 2 cores take minutes
        self.session_id, self.kernel_id = s["id"], s["kernel"]["id"]
        await self.connect()
        return self

    async def connect(self):
        url = self.api.base.replace("http", "ws", 1) + f"api/kernels/{self.kernel_id}/channels?session_id={self.session}"
        # (tornado's default 20 s for the connection and the handshake is too short for ten kernels starting at once
        # on 2 cores while other work runs: seen as "HTTP 599: Timeout during request")
        self.ws = await websocket_connect(HTTPRequest(url, headers={"Authorization": f"token {self.api.token}"},
                                                      connect_timeout=300, request_timeout=300),
                                          max_message_size=256 * 2**20)

    async def reconnect(self):
        """A new websocket to the same kernel, as JupyterLab opens one when the kernel says "restarting": a kernel
        restarted soon after it started comes back on new ports, and the old websocket's channels then reach nothing."""
        self.ws.close()
        await self.connect()

    async def __aexit__(self, *exc):
        self.ws.close()
        await self.api.call("DELETE", f"api/sessions/{self.session_id}")

    async def execute(self, code, timeout=600):
        """Executes one cell; returns (outputs as nbformat nodes, execute_reply content, execution metadata)."""
        msg_id = uuid.uuid4().hex
        self.ws.write_message(json.dumps({
            "header": {"msg_id": msg_id, "msg_type": "execute_request", "session": self.session, "username": "",
                       "date": _now(), "version": "5.3"},
            "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
            "content": {"code": code, "silent": False, "store_history": True, "user_expressions": {},
                        "allow_stdin": False, "stop_on_error": True},
        }))
        outputs, reply, idle, timing = [], None, False, {}
        while reply is None or not idle:
            raw = await asyncio.wait_for(self.ws.read_message(), timeout)
            if raw is None:
                raise RuntimeError(f"the kernel's websocket closed while running {code[:60]!r}")
            m = json.loads(raw)
            if m.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, content = m["msg_type"], m["content"]
            if m["channel"] == "shell" and kind == "execute_reply":
                reply, timing["shell.execute_reply"] = content, _now()
            elif kind == "status":
                key = {"busy": "iopub.status.busy", "idle": "iopub.status.idle"}.get(content["execution_state"])
                if key:
                    timing[key] = _now()
                idle = idle or content["execution_state"] == "idle"
            elif kind == "execute_input":
                timing["iopub.execute_input"] = _now()
            elif kind == "clear_output":
                outputs.clear()
            elif kind == "update_display_data":
                for i, o in enumerate(outputs):
                    if o.get("_display_id") == content.get("transient", {}).get("display_id"):
                        outputs[i] = dict(nbformat.v4.output_from_msg({**m, "msg_type": "display_data"}), _display_id=o["_display_id"])
            elif kind in ("stream", "display_data", "execute_result", "error"):
                out = nbformat.v4.output_from_msg(m)
                if kind == "stream" and outputs and outputs[-1].get("name") == out.name:
                    outputs[-1]["text"] += out.text  # one output per stream run, as JupyterLab and nbclient save it
                    continue
                display_id = content.get("transient", {}).get("display_id")
                outputs.append(dict(out, _display_id=display_id) if display_id else out)
        return [nbformat.from_dict({k: v for k, v in o.items() if k != "_display_id"}) for o in outputs], reply, timing


async def run_notebook(api, path, kernel_name="tslab", after_cell=None, timeout=600):
    """Runs every code cell of the server's notebook `path` in order, stopping at the first error (as Run All does),
    saves the notebook with its outputs, and returns it. after_cell(index, cell, kernel) is awaited once the kernel
    has started (index -1, cell None) and after each code cell."""
    model = await api.call("GET", f"api/contents/{path}?content=1")
    nb = nbformat.from_dict(model["content"])
    async with Kernel(api, path, kernel_name) as k:
        if after_cell:
            await after_cell(-1, None, k)
        for i, cell in enumerate(nb.cells):
            if cell.cell_type != "code" or not cell.source.strip():
                continue
            cell.outputs, reply, timing = await k.execute(cell.source, timeout)
            cell.metadata["execution"] = timing
            if after_cell:
                await after_cell(i, cell, k)
            if reply.get("status") != "ok":
                break
    await api.call("PUT", f"api/contents/{path}", {"type": "notebook", "format": "json", "content": nb})
    return nb
