"""Runs code in a Jupyter kernel the way JupyterLab and nbclient do: one execute request, its iopub messages until
the kernel is idle again, and its execute_reply. Used by test/kernel/protocol.py and scripts/bench/kernel_epoch.py.
"""
import queue
import time


def execute(km, kc, code, stop_on_error=False, interrupt_after=None, timeout=120):
    """Executes `code`; returns (reply content, this request's iopub messages, seconds, seconds from the interrupt
    to the end, or None). With interrupt_after, the kernel is interrupted (Kernel > Interrupt) after that many seconds."""
    msg_id = kc.execute(code, stop_on_error=stop_on_error)
    t0, msgs, t_int = time.time(), [], None
    while time.time() - t0 < timeout:
        if interrupt_after is not None and t_int is None and time.time() - t0 > interrupt_after:
            km.interrupt_kernel()
            t_int = time.time()
        try:
            m = kc.get_iopub_msg(timeout=0.2)
        except queue.Empty:
            continue
        if m["parent_header"].get("msg_id") != msg_id:
            continue
        if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
            break
        msgs.append(m)
    while True:
        reply = kc.get_shell_msg(timeout=30)
        if reply["parent_header"].get("msg_id") == msg_id:
            end = time.time()
            return reply["content"], msgs, end - t0, (end - t_int if t_int else None)
