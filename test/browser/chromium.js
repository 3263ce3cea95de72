// How every browser test launches Debian's chromium (playwright.config.js, test/site/playwright.config.js): no browser
// is downloaded; CHROMIUM (default /usr/bin/chromium) is launched without GPU, QUIC, background traffic, in Japanese.
"use strict";
module.exports = {
  browserName: "chromium",
  launchOptions: {
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--lang=ja-JP"],
  },
  viewport: { width: 1400, height: 1000 },
  deviceScaleFactor: 1,
  locale: "ja-JP",
};
