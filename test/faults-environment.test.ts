// Issue 12, item 8: a broken environment is found by set-up (the checks of scripts/check-env.sh, which setup.sh runs)
// or by the first cell (lib/backend.ts useBackend), with the remedy in one sentence. Each check runs here against a
// real broken environment: a PATH without g++ and make, a Python whose `-m venv` fails, a folder that cannot be
// written, a clone moved after set-up, and a native binding whose libtensorflow is missing or not the right library.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..");
let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "faults-env-"));
  fs.chmodSync(tmp, 0o755);
  // a copy that another user can read (the read-only folder is tested as "nobody")
  fs.copyFileSync(path.join(ROOT, "scripts", "check-env.sh"), path.join(tmp, "check-env.sh"));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Runs `source scripts/check-env.sh; <call>` in bash (as the user `asUser`); returns its status and stderr. */
function check(call: string, env: NodeJS.ProcessEnv = process.env, asUser?: number): { status: number | null; err: string } {
  const script = `source ${tmp}/check-env.sh; ${call}`;
  const cmd = asUser === undefined ? ["/bin/bash", "-c", script] : ["setpriv", `--reuid=${asUser}`, `--regid=${asUser}`, "--clear-groups", "/bin/bash", "-c", script];
  const r = spawnSync(cmd[0], cmd.slice(1), { env, encoding: "utf8" });
  return { status: r.status, err: r.stderr };
}
/** One line "[setup] FAILED: …: <remedy>" on stderr, with status 1. */
function expectFailed(r: { status: number | null; err: string }, what: RegExp, remedy: RegExp): void {
  expect(r.status).toBe(1);
  const lines = r.err.trim().split("\n");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^\[setup\] FAILED: /);
  expect(lines[0]).toMatch(what);
  expect(lines[0]).toMatch(remedy);
}
/** A folder for PATH holding links to only the commands `keep` (found on this PATH); the check itself needs none. */
function pathWith(keep: string[]): string {
  const dir = fs.mkdtempSync(path.join(tmp, "bin-"));
  for (const name of keep) {
    const found = (process.env.PATH ?? "").split(":").map((d) => path.join(d, name)).find((f) => fs.existsSync(f));
    if (found === undefined) throw new Error(`${name} is not on PATH here: this test needs it for its control`);
    fs.symlinkSync(found, path.join(dir, name));
  }
  return dir;
}

test("a missing C++ compiler (a PATH without g++, c++ and make) is found before the native build, with the remedy", () => {
  expect(check("need_compiler")).toEqual({ status: 0, err: "" }); // this machine has them
  const r = check("need_compiler", { ...process.env, PATH: pathWith([]) });
  expectFailed(r, /a C\+\+ compiler \(g\+\+\) and make not found on PATH/, /apt-get install build-essential.*TFJS_BACKEND=wasm/);
  // with only make gone, the line names make alone
  const noMake = check("need_compiler", { ...process.env, PATH: pathWith(["g++"]) });
  expectFailed(noMake, /FAILED: make not found on PATH/, /build-essential/);
});

test("a Python without venv (its -m venv fails, as on Debian without python3-venv) is found before .venv is made", () => {
  const fake = path.join(tmp, "python3-novenv");
  const real = spawnSync("python3", ["-c", "import sys; print(sys.executable)"], { encoding: "utf8" }).stdout.trim();
  fs.writeFileSync(fake, `#!/bin/sh\nif [ "$1" = -m ] && [ "$2" = venv ]; then echo "No module named venv" >&2; exit 1; fi\nexec ${real} "$@"\n`, { mode: 0o755 });
  expect(check("need_venv python3")).toEqual({ status: 0, err: "" });
  expect(check(`need_python ${fake}`).status).toBe(0); // it is a good Python otherwise
  expectFailed(check(`need_venv ${fake}`), /python3-novenv cannot create a virtual environment/, /apt-get install python3-venv/);
});

test("a read-only project folder is found at the start of set-up, with the remedy", () => {
  const dir = path.join(tmp, "readonly");
  fs.mkdirSync(dir);
  fs.chmodSync(dir, 0o555);
  // root writes through chmod: there the check runs as the user "nobody" (65534), as a student would
  const r = check(`need_writable ${dir}`, process.env, process.getuid?.() === 0 ? 65534 : undefined);
  expectFailed(r, new RegExp(`the project folder ${dir} cannot be written`), /clone it into a folder of your own.*npm run setup/);
  expect(fs.readdirSync(dir)).toEqual([]); // the probe left nothing
  fs.chmodSync(dir, 0o755);
  expect(check(`need_writable ${dir}`).status).toBe(0);
});

test("a clone moved after set-up (.venv and the kernel spec pointing at the old folder) is found, with the remedy", () => {
  const clone = path.join(tmp, "moved");
  const old = "/home/student/lecture3-old";
  fs.mkdirSync(path.join(clone, ".venv", "bin"), { recursive: true });
  fs.writeFileSync(path.join(clone, ".venv", "bin", "pip"), `#!${old}/.venv/bin/python\nimport pip\n`);
  expectFailed(check(`need_unmoved ${clone}`), new RegExp(`this clone was moved: \\.venv was made in ${old}`), new RegExp(`rm -rf ${clone}/\\.venv.*npm run setup`));
  const spec = path.join(clone, ".venv", "share", "jupyter", "kernels", "tslab");
  fs.mkdirSync(spec, { recursive: true });
  fs.writeFileSync(path.join(spec, "kernel.json"), JSON.stringify({ argv: [process.execPath, "--require", `${old}/scripts/tslab-preload.js`, `${old}/node_modules/tslab/bin/tslab`, "kernel", "--config-path", "{connection_file}"] }));
  expectFailed(check(`need_kernel_spec ${clone}`), new RegExp(`names ${old}/scripts/tslab-preload\\.js, which does not exist`), /run npm run setup in .* to register the kernel again/);
  // after set-up (a venv made here, the kernel registered again) both pass, as they do for this clone
  expect(check(`need_unmoved ${ROOT} && need_kernel_spec ${ROOT}`)).toEqual({ status: 0, err: "" });
  fs.writeFileSync(path.join(clone, ".venv", "bin", "pip"), `#!${clone}/.venv/bin/python\nimport pip\n`);
  fs.writeFileSync(path.join(spec, "kernel.json"), JSON.stringify({ argv: [process.execPath, "kernel", "{connection_file}"] }));
  expect(check(`need_unmoved ${clone} && need_kernel_spec ${clone}`)).toEqual({ status: 0, err: "" });
});

/**
 * The first cell's useBackend(requested) in a fresh node process (the built library, lib/dist), with `env`; prints
 * one JSON line: the backend line it printed and what tf.getBackend() says, or the error it threw.
 */
function firstCell(requested: string, env: NodeJS.ProcessEnv, dist = path.join(ROOT, "lib", "dist")): { line?: string; backend?: string; error?: string } {
  const code = `
    const { useBackend } = require(${JSON.stringify(path.join(dist, "node", "backend.js"))});
    const tf = require("@tensorflow/tfjs");
    const log = console.log; const lines = []; console.log = (s) => lines.push(s);
    useBackend(${JSON.stringify(requested)}).then(
      () => log(JSON.stringify({ line: lines.join("\\n"), backend: tf.getBackend() })),
      (e) => log(JSON.stringify({ error: e.message, backend: tf.getBackend() ?? null })));`;
  const r = spawnSync(process.execPath, ["-e", code], { env: { ...process.env, NODE_PATH: path.join(ROOT, "node_modules"), ...env }, encoding: "utf8" });
  const out = r.stdout.trim().split("\n").pop() ?? "";
  if (!out.startsWith("{")) throw new Error(`the first cell did not answer: ${r.stdout}${r.stderr}`);
  return JSON.parse(out);
}

test("a native binding whose libtensorflow is not the right library (LD_LIBRARY_PATH finds another one first): TFJS_BACKEND=tensorflow fails with the remedy, never falls back", () => {
  // the dynamic loader reads LD_LIBRARY_PATH before the binding's RUNPATH: a libtensorflow_cc.so.2 there that is
  // another library (here TensorFlow's framework library, which lacks the C API) is what a mismatched copy does
  const bad = path.join(tmp, "mismatched");
  fs.mkdirSync(bad);
  fs.symlinkSync(fs.realpathSync(path.join(ROOT, "node_modules/@tensorflow/tfjs-node/deps/lib/libtensorflow_framework.so.2")), path.join(bad, "libtensorflow_cc.so.2"));
  const r = firstCell("tensorflow", { LD_LIBRARY_PATH: bad });
  expect(r.error).toMatch(/^backend 'tensorflow' did not load: .*undefined symbol: TF\w+.*its libtensorflow is missing, or not the one it was built against\)\. Run `npm run setup`.*or set TFJS_BACKEND=wasm/);
  expect(String(r.backend)).not.toMatch(/wasm|cpu/);
  // auto falls back, and says so on the backend line
  const auto = firstCell("auto", { LD_LIBRARY_PATH: bad });
  expect(auto.line).toMatch(/^backend: wasm \|.*\n {2}\(skipped tensorflow: .*undefined symbol/);
});

test("a native binding whose libtensorflow is missing (a copy of the clone without deps/lib): TFJS_BACKEND=tensorflow fails with the remedy, never falls back", () => {
  // a copy of lib/dist and of tfjs-node whose deps/lib has no libtensorflow; everything else comes from this clone
  const clone = path.join(tmp, "missing");
  fs.cpSync(path.join(ROOT, "lib", "dist"), path.join(clone, "lib", "dist"), { recursive: true });
  const pkg = path.join(clone, "node_modules", "@tensorflow", "tfjs-node");
  fs.cpSync(path.join(ROOT, "node_modules/@tensorflow/tfjs-node"), pkg, { recursive: true, verbatimSymlinks: true, filter: (src) => !src.includes(`${path.sep}deps${path.sep}lib${path.sep}`) });
  expect(fs.readdirSync(path.join(pkg, "deps", "lib"))).toEqual([]);
  const r = firstCell("tensorflow", {}, path.join(clone, "lib", "dist"));
  expect(r.error).toMatch(/^backend 'tensorflow' did not load: .*libtensorflow.*cannot open shared object file.*\. Run `npm run setup`.*or set TFJS_BACKEND=wasm/);
  expect(String(r.backend)).not.toMatch(/wasm|cpu/);
});
