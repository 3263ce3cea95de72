// "lecture3" in the site: the library's browser face (lib/browser), bundled into the kernel's worker.
export * from "../../lib/browser";
