"""Protocol conformance of the project's kernel spec (issue 25, item 2), with jupyter_kernel_test (PyPI):

    .venv/bin/python test/kernel/conformance.py

kernel_info (status, the language version = the TypeScript used), execute (stdout, stderr, an error with
ename/evalue/traceback, display_data, execute_result: `1 + 2` → 3, `"a" + "b"` → 'ab'),
complete_request, inspect_request, is_complete_request. history_request is optional in the Jupyter protocol and tslab
answers none: jupyter_kernel_test skips it (supported_history_operations is empty); so are the pager and
clear_output samples (tslab has neither). Run beside the protocol tests by test/kernel/protocol.py.
"""
import os
import subprocess
import sys
import unittest

import jupyter_kernel_test

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


class TslabKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = "tslab"
    language_name = "typescript"
    file_extension = ".ts"

    code_hello_world = 'console.log("hello, world");'
    code_stderr = 'console.error("to stderr");'
    code_generate_error = 'throw new Error("boom");'
    code_execute_result = [{"code": "1 + 2", "result": "3"}, {"code": '"a" + "b"', "result": "'ab'"}]
    code_display_data = [{"code": 'import * as tslab from "tslab";\ntslab.display.html("<b>x</b>");', "mime": "text/html"}]
    completion_samples = [{"text": "Math.flo", "matches": {"floor"}}]
    complete_code_samples = ["const a = 1;", "console.log(1);"]
    incomplete_code_samples = ["function f() {", "const a = ["]
    code_inspect_sample = "Math.floor"

    def test_language_version(self):
        """kernel_info's language version is the TypeScript that compiles the cells (tslab's fork)."""
        self.flush_channels()
        self.kc.kernel_info()
        reply = self.kc.get_shell_msg(timeout=30)
        version = subprocess.run(["node", "-p", 'require(require.resolve("@tslab/typescript-for-tslab", { paths: [require.resolve("tslab")] })).version'],
                                 cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
        self.assertRegex(version, r"^\d+\.\d+\.\d+")
        self.assertEqual(reply["content"]["language_info"]["version"], version)


if __name__ == "__main__":
    os.chdir(os.path.join(ROOT, "notebooks"))
    result = unittest.main(module=__name__, exit=False, verbosity=2).result
    bad = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses) + len(result.expectedFailures)
    skipped = {getattr(t, "test_case", t).id() for t, _ in result.skipped}  # a test skipped in subtests counts once
    print(f"kernel conformance: {result.testsRun - bad - len(skipped)} passed, {bad} failed, "
          f"{len(skipped)} skipped (history, pager, clear_output: optional)")
    sys.exit(0 if result.wasSuccessful() else 1)
