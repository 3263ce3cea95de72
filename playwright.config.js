// The real-browser test (npm test, step 5): JupyterLab driven in Debian's chromium by @playwright/test, as students
// use it (README.md, Tests). No browser is downloaded: CHROMIUM (default /usr/bin/chromium) is launched; TFJS_BACKEND
// names the backend the notebooks' first line must report.
//   npx playwright test                  all of it
//   npx playwright test --grep 04        only the tests whose title matches: "01_imagenet", "reopened", "student"
//   npx playwright test --list           their titles
//   npx playwright test --headed         with a window
"use strict";
const { defineConfig } = require("@playwright/test");

module.exports = defineConfig({
  testDir: "test/browser",
  testMatch: "*.spec.js",
  outputDir: "artifacts/browser/results", // failure screenshots
  globalSetup: require.resolve("./test/browser/server.js"),
  workers: 1, // one JupyterLab, one notebook at a time: the kernels need both cores
  timeout: 5 * 60 * 1000,
  globalTimeout: 30 * 60 * 1000, // a guard against a hung run, not a timing check: the browser tests now run beside up to three other jobs (scripts/test.sh)
  reportSlowTests: null,
  reporter: [["list"], ["./test/browser/count-reporter.js"]],
  use: {
    ...require("./test/browser/chromium"),
    serviceWorkers: "block",
    screenshot: "only-on-failure",
  },
});
