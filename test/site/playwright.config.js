// The site's test (npm run test:site; docs/site.md): scripts/site.sh builds the JupyterLite site, server.js serves
// site/_output with a plain static server (python3 -m http.server), and site.spec.js runs notebooks in Debian's
// chromium in it, as a student who opens the URL would. No browser is downloaded: CHROMIUM (default
// /usr/bin/chromium) is launched.
//   npx playwright test -c test/site             all of it
//   npx playwright test -c test/site --headed    with a window
//   npx playwright test -c test/site answers-04       only the students' 04 with the solutions' answers (about 20 min)
//   LECTURE3_SITE_SLOW=1 npx playwright test -c test/site notebooks       05 (notebooks.slow.js; 3-8 min under load)
"use strict";
const { defineConfig } = require("@playwright/test");

module.exports = defineConfig({
  testDir: ".",
  // *.slow.js (05: 3-8 min on 2 cores; 08: about 10 min) only with LECTURE3_SITE_SLOW=1: a tier of its own
  testMatch: process.env.LECTURE3_SITE_SLOW === "1" ? ["*.spec.js", "*.slow.js"] : "*.spec.js",
  outputDir: "../../artifacts/site/results", // failure screenshots
  globalSetup: require.resolve("./server.js"),
  workers: 1,
  timeout: 20 * 60 * 1000,
  reporter: [["list"], [require.resolve("../browser/count-reporter.js"), { name: "site" }]], // the last line: "site: N passed, M failed" (scripts/test.sh)
  use: {
    ...require("../browser/chromium"),
    screenshot: "only-on-failure",
  },
});
