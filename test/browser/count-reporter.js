// A playwright reporter that ends the run with one line "browser: N passed, M failed" (or another name given as the
// reporter's option: ["count-reporter.js", { name: "site" }]) for scripts/test.sh: N and M
// count the checks (the test.step of lab.js's `check`); a test that failed outside its checks (a timeout, an
// element that never came, JupyterLab not starting) counts as one failed check more.
"use strict";

class CountReporter {
  constructor(options = {}) {
    this.name = options.name || "browser";
    this.passed = 0;
    this.failed = 0;
    this.failedSteps = new Set(); // tests with a failed check
    this.withSteps = new Set(); // tests with checks of their own
  }

  onStepEnd(test, result, step) {
    if (step.category !== "test.step") return;
    this.withSteps.add(test);
    if (step.error) {
      this.failed++;
      this.failedSteps.add(test);
    } else {
      this.passed++;
    }
  }

  onTestEnd(test, result) {
    if (result.status === "passed" && !this.withSteps.has(test)) this.passed++; // a test without checks counts as one
    if (!["passed", "skipped"].includes(result.status) && !this.failedSteps.has(test)) this.failed++;
  }

  onError() {
    this.failed++; // outside any test: globalSetup, a spec that does not load
  }

  onEnd(result) {
    if (result.status !== "passed" && this.failed === 0) this.failed = 1; // interrupted, or the global time limit
    console.log(`${this.name}: ${this.passed} passed, ${this.failed} failed`);
  }
}

module.exports = CountReporter;
