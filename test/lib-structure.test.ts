// The rooms of lib/ (lib/README.md) and the one rule between them: a file imports, at run time, only from its own room
// or from the rooms before it, and nothing imports in a circle. Read from the sources' import lines, without running them.
import * as fs from "fs";
import * as path from "path";

const LIB = path.join(__dirname, "..", "lib");

/** The rooms, lowest first (the order of lib/README.md). A new file of lib/ is added to one of them. */
const ROOMS: [room: string, files: string[]][] = [
  ["base", ["node/paths", "node/files", "core/random", "core/kernel", "core/metrics"]],
  ["display", ["core/display", "node/png", "core/progress", "core/plot", "core/plot/figures", "core/plot/notebook"]],
  ["data", ["core/data/*", "node/data/*"]],
  ["core", ["core/nn", "core/functional", "core/layers", "core/models", "core/architectures", "core/optim", "node/backend", "node/native-kernels", "node/wasm-kernels", "node/wasm-threads", "node/mobilenet", "core/imagenet-classes"]],
  ["training", ["core/train", "core/experiment", "core/provenance"]],
  ["exercises", ["core/exercises/*", "core/report"]],
  ["face", ["index"]],
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
  to: string;
  /** only types cross it (import type ..., or every name marked `type`): it is gone at run time */
  typeOnly: boolean;
}

/** The lib files `file` imports (relative imports, export ... from, require("./x")), resolved to lib names. */
function importsOf(file: string): Arrow[] {
  const src = fs.readFileSync(path.join(LIB, `${file}.ts`), "utf8");
  const out: Arrow[] = [];
  const resolve = (spec: string) => {
    const p = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec));
    return fs.existsSync(path.join(LIB, `${p}.ts`)) ? p : `${p}/index`;
  };
  for (const m of src.matchAll(/^(import|export)\s+(type\s+)?([^;]*?)\s+from\s+"(\.[^"]*)"/gms)) {
    const names = m[3].match(/\{([^}]*)\}/)?.[1];
    const allTypes = names !== undefined && !m[3].replace(/\{[^}]*\}/, "").trim().replace(/,$/, "") && names.split(",").every((n) => n.trim() === "" || /^type\s/.test(n.trim()));
    out.push({ to: resolve(m[4]), typeOnly: Boolean(m[2]) || allTypes });
  }
  for (const m of src.matchAll(/\brequire\("(\.[^"]*)"\)/g)) out.push({ to: resolve(m[1]), typeOnly: false });
  return out;
}

const files = libFiles();
const graph = new Map(files.map((f) => [f, importsOf(f)]));

test("every file of lib/ is in a room, and every import names a file of lib/", () => {
  expect(files.length).toBeGreaterThan(40);
  for (const [file, arrows] of graph) {
    roomOf(file);
    for (const a of arrows) expect(`${file} → ${a.to}: ${files.includes(a.to) ? "found" : "missing"}`).toBe(`${file} → ${a.to}: found`);
  }
});

test("no arrow back up: at run time a file imports only from its own room or the rooms before it", () => {
  const up = [...graph].flatMap(([file, arrows]) =>
    arrows.filter((a) => !a.typeOnly && roomOf(a.to) > roomOf(file)).map((a) => `${file} (${ROOMS[roomOf(file)][0]}) → ${a.to} (${ROOMS[roomOf(a.to)][0]})`),
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
    for (const a of graph.get(f) ?? []) visit(a.to, [...trail, f]);
    state.set(f, "done");
  };
  files.forEach((f) => visit(f, []));
  expect(cycles).toEqual([]);
});

test("the checker itself: it sees a type-only import as one and a runtime import as one", () => {
  const ex1 = graph.get("core/exercises/ex1")!;
  expect(ex1.find((a) => a.to === "core/nn")).toEqual({ to: "core/nn", typeOnly: false }); // import { traceForward, type Module }
  const figures = graph.get("core/plot/figures")!;
  expect(figures.find((a) => a.to === "core/train")).toEqual({ to: "core/train", typeOnly: true }); // import type { History }
  expect(graph.get("node/backend")!.map((a) => a.to)).toContain("node/wasm-kernels"); // require("./wasm-kernels")
});
