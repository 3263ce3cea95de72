// The two layers of lib/ (lib/README.md): lib/core/ is pure TensorFlow.js and runs in a browser as it is (it imports
// nothing from lib/node/, Node's built-ins or tslab; it bundles for a browser; it type-checks without Node's types);
// lib/node/ is the platform for Node and the kernel. Within lib/, the rooms and their one rule: a file imports, at run
// time, only from its own room or from the rooms before it, and nothing imports in a circle. Read from the sources'
// import lines, without running them (except the bundle and the type check).
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as esbuild from "esbuild";

const LIB = path.join(__dirname, "..", "lib");

/** The rooms, lowest first (the order of lib/README.md). A new file of lib/ is added to one of them. */
const ROOMS: [room: string, files: string[]][] = [
  ["base", ["core/platform", "core/bytes", "node/paths", "node/files", "core/random", "core/kernel", "core/interrupt", "core/errors", "core/mode", "core/hooks", "core/ownership", "core/metrics"]],
  ["display", ["core/display", "node/png", "node/platform", "core/progress", "core/plot", "core/plot/figures", "core/plot/notebook", "core/plot/experiments"]],
  ["data", ["core/data/*", "node/data/*"]],
  ["models", ["core/module", "core/nn", "core/init", "core/functional", "core/layers", "core/models", "core/architectures", "core/optim", "node/backend", "node/native-kernels", "node/wasm-kernels", "node/wasm-threads", "core/imagenet-classes", "core/mobilenet", "node/mobilenet"]],
  ["training", ["core/train", "core/predict", "core/early-stopping", "core/experiment", "core/provenance", "core/plot/views"]],
  ["exercises", ["core/exercises/*", "core/report"]],
  ["face", ["core/index", "index"]],
  ["browser", ["browser/*"]],
];

/** Every .ts file of lib/ (not the compiled lib/dist), as "data/mnist" without the extension. */
function libFiles(dir = LIB, prefix = ""): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.isDirectory()) return e.name === "dist" || e.name === "node_modules" ? [] : libFiles(path.join(dir, e.name), `${prefix}${e.name}/`);
    return e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") ? [`${prefix}${e.name.slice(0, -3)}`] : [];
  });
}

function roomOf(file: string): number {
  const i = ROOMS.findIndex(([, files]) => files.some((f) => f === file || (f.endsWith("/*") && file.startsWith(f.slice(0, -1)))));
  if (i < 0) throw new Error(`lib/${file}.ts belongs to no room: add it to ROOMS in test/lib-structure.test.ts and to lib/README.md`);
  return i;
}

interface Arrow {
  /** a lib file ("core/nn"), or a package or built-in module as written ("@tensorflow/tfjs", "fs") */
  to: string;
  /** a package or a built-in module, not a file of lib/ */
  external: boolean;
  /** only types cross it (import type ..., or every name marked `type`): it is gone at run time */
  typeOnly: boolean;
}

/** What `file` imports: lib files (relative imports, export ... from, require("./x")) resolved to lib names, and packages. */
function importsOf(file: string): Arrow[] {
  const src = fs.readFileSync(path.join(LIB, `${file}.ts`), "utf8");
  const out: Arrow[] = [];
  const resolve = (spec: string) => {
    if (!spec.startsWith(".")) return spec;
    const p = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec));
    return fs.existsSync(path.join(LIB, `${p}.ts`)) ? p : `${p}/index`;
  };
  for (const m of src.matchAll(/^(import|export)\s+(type\s+)?(?:([^;]*?)\s+from\s+)?"([^"]*)"/gms)) {
    const what = m[3] ?? "";
    const names = what.match(/\{([^}]*)\}/)?.[1];
    const allTypes = names !== undefined && !what.replace(/\{[^}]*\}/, "").trim().replace(/,$/, "") && names.split(",").every((n) => n.trim() === "" || /^type\s/.test(n.trim()));
    out.push({ to: resolve(m[4]), external: !m[4].startsWith("."), typeOnly: Boolean(m[2]) || allTypes });
  }
  for (const m of src.matchAll(/\brequire\("([^"]*)"\)/g)) out.push({ to: resolve(m[1]), external: !m[1].startsWith("."), typeOnly: false });
  return out;
}

const files = libFiles();
const graph = new Map(files.map((f) => [f, importsOf(f)]));

test("every file of lib/ is in a room, and every import names a file of lib/", () => {
  expect(files.length).toBeGreaterThan(40);
  for (const [file, arrows] of graph) {
    roomOf(file);
    for (const a of arrows.filter((x) => !x.external)) expect(`${file} → ${a.to}: ${files.includes(a.to) ? "found" : "missing"}`).toBe(`${file} → ${a.to}: found`);
  }
});

test("no arrow back up: at run time a file imports only from its own room or the rooms before it", () => {
  const up = [...graph].flatMap(([file, arrows]) =>
    arrows.filter((a) => !a.external && !a.typeOnly && roomOf(a.to) > roomOf(file)).map((a) => `${file} (${ROOMS[roomOf(file)][0]}) → ${a.to} (${ROOMS[roomOf(a.to)][0]})`),
  );
  expect(up).toEqual([]);
});

test("no import cycles, counting type-only imports too", () => {
  const state = new Map<string, "open" | "done">();
  const cycles: string[] = [];
  const visit = (f: string, trail: string[]) => {
    if (state.get(f) === "done") return;
    if (state.get(f) === "open") return void cycles.push([...trail.slice(trail.indexOf(f)), f].join(" → "));
    state.set(f, "open");
    for (const a of graph.get(f) ?? []) if (!a.external) visit(a.to, [...trail, f]);
    state.set(f, "done");
  };
  files.forEach((f) => visit(f, []));
  expect(cycles).toEqual([]);
});

test("the checker itself: it sees a type-only import as one and a runtime import as one", () => {
  const ex1 = graph.get("core/exercises/ex1")!;
  expect(ex1.find((a) => a.to === "core/nn")).toEqual({ to: "core/nn", external: false, typeOnly: false }); // import { traceForward, type Module }
  const figures = graph.get("core/plot/figures")!;
  expect(figures.find((a) => a.to === "core/train")).toEqual({ to: "core/train", external: false, typeOnly: true }); // import type { History }
  expect(graph.get("node/backend")!.map((a) => a.to)).toContain("node/wasm-kernels"); // require("./wasm-kernels")
  expect(graph.get("node/backend")!.filter((a) => a.external).map((a) => a.to)).toEqual(expect.arrayContaining(["fs", "@tensorflow/tfjs-node"]));
  expect(graph.get("index")!.map((a) => a.to)).toContain("node/platform"); // import "./node/platform" (no names)
});

// ---- the two layers

/**
 * Packages the core may import: TensorFlow.js, and jpeg-js (pure JavaScript, no Node module) for photos: the same
 * JPEG decoder in the node edition (on wasm/cpu) and in the site gives the same pixels, so 01's top-5 counts agree.
 */
const CORE_PACKAGES = ["@tensorflow/tfjs", "jpeg-js"];
/** Node's own names, used without an import; none may appear in the core's code (comments aside). */
const NODE_GLOBALS = /\b(process\s*\.|Buffer\b|require\s*\(|__dirname|__filename|setImmediate\s*\()/;

/** A file's code without its comments, string contents kept (good enough to find identifiers). */
const code = (file: string) =>
  fs.readFileSync(path.join(LIB, `${file}.ts`), "utf8").replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`\\])\/\/.*$/gm, "$1");

test("lib/core imports only lib/core, TensorFlow.js and jpeg-js, and uses none of Node's globals", () => {
  const core = files.filter((f) => f.startsWith("core/"));
  expect(core.length).toBeGreaterThan(30);
  const wrong = core.flatMap((f) =>
    graph.get(f)!.filter((a) => (a.external ? !CORE_PACKAGES.includes(a.to) : !a.to.startsWith("core/"))).map((a) => `${f} → ${a.to}`),
  );
  expect(wrong).toEqual([]);
  const globals = core.flatMap((f) => code(f).split("\n").filter((l) => NODE_GLOBALS.test(l)).map((l) => `${f}: ${l.trim()}`));
  expect(globals).toEqual([]);
});

test("the WebAssembly training kernels (lib/node/wasm-kernels.ts) import only TensorFlow.js, so a browser may bundle them", () => {
  expect(graph.get("node/wasm-kernels")!.map((a) => a.to)).toEqual(["@tensorflow/tfjs"]);
  expect(code("node/wasm-kernels")).not.toMatch(NODE_GLOBALS);
});

test("the checker itself: Node's globals are found in code, not in comments", () => {
  expect(NODE_GLOBALS.test('const x = Buffer.from("a");')).toBe(true);
  expect(NODE_GLOBALS.test("if (process.env.X) {")).toBe(true);
  expect(code("node/files")).toMatch(NODE_GLOBALS); // process.pid
  expect(code("core/data/loader")).not.toMatch(NODE_GLOBALS); // "setImmediate where there is one (Node)" is in a comment
});

/** Bundles `entry` for a browser with esbuild; the errors, and the files of lib/ that went in. */
async function bundleForBrowser(entry: string): Promise<{ errors: string[]; libFiles: string[] }> {
  const r = await esbuild.build({ entryPoints: [path.join(LIB, entry)], bundle: true, platform: "browser", format: "esm", write: false, metafile: true, logLevel: "silent" }).catch((e: esbuild.BuildFailure) => e);
  // inputs: paths from the repository's root; "(disabled):fs" where a package's "browser" field leaves a module out
  if ("outputFiles" in r) return { errors: [], libFiles: Object.keys(r.metafile!.inputs).filter((f) => !f.includes("node_modules") && !f.startsWith("(disabled)")) };
  return { errors: r.errors.map((e) => e.text), libFiles: [] };
}

test("the core bundles for a browser (esbuild, platform browser): no Node module is reached", async () => {
  const core = await bundleForBrowser("core/index.ts");
  expect(core.errors).toEqual([]);
  expect(core.libFiles.length).toBeGreaterThan(30);
  expect(core.libFiles.filter((f) => !f.startsWith("lib/core/"))).toEqual([]);
  // the same bundle of the Node face fails on Node's modules: the test can fail
  const node = await bundleForBrowser("index.ts");
  expect(node.errors.join("\n")).toMatch(/Could not resolve "(fs|path|zlib|crypto|os|child_process)"/);
});

test("the core type-checks without Node's types (tsc -p lib/core/tsconfig.json, types: [])", () => {
  const tsc = path.join(__dirname, "..", "node_modules", ".bin", "tsc");
  let out = "";
  try {
    execFileSync(tsc, ["-p", path.join(LIB, "core", "tsconfig.json")], { encoding: "utf8" });
  } catch (e) {
    out = String((e as { stdout?: string }).stdout);
  }
  expect(out).toBe("");
});

// ---- what a student reads (lib/README.md)

const lineCount = (file: string) => fs.readFileSync(path.join(LIB, `${file}.ts`), "utf8").split("\n").length - 1;

/** The lib files whose code runs when `entry`'s does: it and, transitively, what it imports at run time. */
function readingPath(entry: string): string[] {
  const seen: string[] = [];
  const todo = [entry];
  while (todo.length > 0) {
    const f = todo.shift()!;
    if (seen.includes(f)) continue;
    seen.push(f);
    todo.push(...graph.get(f)!.filter((a) => !a.external && !a.typeOnly).map((a) => a.to));
  }
  return seen;
}

/** The markdown table of a reading path, as lib/README.md holds it. */
function pathTable(files: string[]): string {
  const total = files.reduce((sum, f) => sum + lineCount(f), 0);
  return ["| file | lines |", "|---|---:|", ...files.map((f) => `| \`lib/${f}.ts\` | ${lineCount(f)} |`), `| total | ${total.toLocaleString("en-US")} |`].join("\n");
}

test.each([
  ["fit()", "core/train"],
  ["experiment()", "core/experiment"],
])("lib/README.md lists the files a student reads to understand %s, with their line counts as they are", (name, entry) => {
  const readme = fs.readFileSync(path.join(LIB, "README.md"), "utf8");
  const m = new RegExp(`<!-- reading path: ${name.replace(/[()]/g, "\\$&")} [^>]*-->\\n([\\s\\S]*?)<!-- end -->`).exec(readme);
  expect(m).not.toBeNull();
  expect(m![1].trim()).toBe(pathTable(readingPath(entry)));
});

test("the checker itself: a reading path follows run-time imports, not type-only ones", () => {
  expect(readingPath("core/train")).toEqual(expect.arrayContaining(["core/train", "core/functional", "core/hooks"]));
  expect(readingPath("core/train")).not.toContain("core/progress"); // installs itself into hooks.ts
  expect(readingPath("core/train")).not.toContain("core/data/loader"); // import type { DataLoader }
  expect(readingPath("core/train")).not.toContain("core/nn"); // import type { Module }
  expect(readingPath("core/experiment")).toContain("core/data/loader"); // import { DataLoader }
});

test("fit()'s reading path is at most 400 lines (issue 21)", () => {
  expect(readingPath("core/train").reduce((sum, f) => sum + lineCount(f), 0)).toBeLessThanOrEqual(400);
});

test("loading the core's face installs what the training loop reports to (core/hooks.ts): the live epoch line, the checkers' record", () => {
  jest.isolateModules(() => {
    // a fresh module registry: nothing installed yet (jest's set-up file loaded them in another registry)
    const hooks = require("../lib/core/hooks");
    const plain = hooks.epochLine(3, "epoch");
    const unregistered = hooks.registerResult({ epochs: [] });
    require("../lib/core/index");
    const { ProgressLine } = require("../lib/core/progress");
    const { isGenuine } = require("../lib/core/provenance");
    expect(plain).not.toBeInstanceOf(ProgressLine);
    // without the live line, an epoch's summary is printed when kept, as ProgressLine does outside a notebook
    const log = jest.spyOn(console, "log").mockImplementation(() => undefined);
    plain.tick(1, 10, 0.5);
    plain.finish("skipped", false);
    plain.finish("kept");
    expect(log.mock.calls).toEqual([["kept"]]);
    log.mockRestore();
    expect(isGenuine(unregistered)).toBe(false);
    expect(hooks.epochLine(3, "epoch")).toBeInstanceOf(ProgressLine);
    expect(isGenuine(hooks.registerResult({ epochs: [] }))).toBe(true);
  });
});
