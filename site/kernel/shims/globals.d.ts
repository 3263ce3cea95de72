// For the type check of the worker (npx tsc -p site/kernel, no Node types): the global Buffer is the shim's, as
// esbuild's --inject:site/kernel/shims/globals.ts makes it in the bundle (lib/node/png.ts, plot.showPng's encoder).
declare type Buffer = import("./buffer").Buffer;
declare const Buffer: typeof import("./buffer").Buffer;
