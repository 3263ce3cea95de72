// tslab is not in the browser: no tslab kernel writes displays there (lib/browser/platform.ts does).
export const lastWriteDisplayData = null;
