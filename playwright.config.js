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
  globalTimeout: 15 * 60 * 1000,
  reportSlowTests: null,
  reporter: [["list"], ["./test/browser/count-reporter.js"]],
  use: {
    browserName: "chromium",
    launchOptions: {
      executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
      args: ["--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--lang=ja-JP"],
    },
    viewport: { width: 1400, height: 1000 },
    deviceScaleFactor: 1,
    locale: "ja-JP",
    serviceWorkers: "block",
    screenshot: "only-on-failure",
  },
});
