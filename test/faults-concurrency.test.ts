// Issue 12, concurrency: two notebooks fetching the same data set at once into an empty cache. Two real node
// processes run lib/data/sources.ts (transpiled to JavaScript into a temporary folder, so the test does not depend on
// lib/dist being current) against one local server that holds both answers until both requests have arrived, so
// the two downloads overlap for sure. Each writes its own partial file (name.part-PID-time) and renames it into place:
// the cache ends with one good copy and nothing else.
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import { md5File } from "../lib/node/data/sources";
import { fakeFile, filesUnder, serve, tmpDir } from "./fault-server";

function runner(): string {
  const dir = tmpDir("runner");
  // lib/node/data/sources.ts and the lib module it imports, laid out as in lib/node/
  for (const rel of ["node/data/sources.ts", "node/files.ts"]) {
    const src = fs.readFileSync(path.join(__dirname, "..", "lib", rel), "utf8");
    const js = ts.transpileModule(src, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } }).outputText;
    fs.mkdirSync(path.join(dir, path.dirname(rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel.replace(/\.ts$/, ".js")), js);
  }
  fs.writeFileSync(
    path.join(dir, "fetch-one.js"),
    `const { obtain } = require("./node/data/sources.js");
     const [file, root] = [JSON.parse(process.argv[2]), process.argv[3]];
     obtain(file, { root, download: true, mirror: "", log: () => {}, idleTimeoutMs: 10000 })
       .then((p) => console.log(p), (e) => { console.error(e.message); process.exit(1); });`,
  );
  return path.join(dir, "fetch-one.js");
}

function run(script: string, args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [script, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    p.stdout.on("data", (d) => (out += d));
    p.stderr.on("data", (d) => (err += d));
    p.on("close", (code) => resolve({ code, out, err }));
  });
}

test("two processes fetching the same file at once into an empty cache: one good copy, no partial file", async () => {
  const { body, file } = fakeFile(400_000);
  const waiting: (() => void)[] = [];
  const srv = await serve({
    "/f": (res) => {
      const send = async () => {
        res.writeHead(200, { "content-length": body.length });
        for (let i = 0; i < body.length; i += 50_000) {
          res.write(body.subarray(i, i + 50_000));
          await new Promise((r) => setTimeout(r, 15));
        }
        res.end();
      };
      waiting.push(() => void send());
      if (waiting.length === 2) waiting.forEach((go) => go()); // both requests in: answer both, interleaved
      else setTimeout(() => waiting.length < 2 && waiting.forEach((go) => go()), 5000).unref();
    },
  });
  try {
    const script = runner();
    const root = tmpDir("cache");
    const f = JSON.stringify(file(`${srv.url}/f`));
    const [a, b] = await Promise.all([run(script, [f, root]), run(script, [f, root])]);
    expect([a.code, a.err, b.code, b.err]).toEqual([0, "", 0, ""]);
    const cached = path.join(root, "fake", "fake-images-idx3-ubyte.gz");
    expect(a.out.trim()).toBe(cached);
    expect(b.out.trim()).toBe(cached);
    expect(srv.hits).toEqual(["/f", "/f"]); // both really downloaded, at the same time
    expect(filesUnder(root)).toEqual([path.join("fake", "fake-images-idx3-ubyte.gz")]);
    expect(md5File(cached)).toBe(file().md5);
    // a third process finds the cache and does not download
    const c = await run(script, [f, root]);
    expect(c.code).toBe(0);
    expect(srv.hits.length).toBe(2);
  } finally {
    await srv.close();
  }
});

test("a process killed in the middle of a download (a dead kernel) leaves a partial file; the next fetch removes it once stale", async () => {
  const { body, file } = fakeFile(400_000);
  const srv = await serve({
    "/half": (res) => {
      res.writeHead(200, { "content-length": body.length });
      res.write(body.subarray(0, 100_000)); // then stalls
    },
    "/ok": (res) => res.writeHead(200).end(body),
  });
  try {
    const script = runner();
    const root = tmpDir("cache");
    const p = spawn(process.execPath, [script, JSON.stringify(file(`${srv.url}/half`)), root], { stdio: "ignore" });
    const dir = path.join(root, "fake");
    const t0 = Date.now();
    // wait until the partial file holds the first 100 kB, then kill the process as a dying kernel is killed
    while (!(fs.existsSync(dir) && fs.readdirSync(dir).some((n) => n.includes(".part-") && fs.statSync(path.join(dir, n)).size >= 100_000))) {
      if (Date.now() - t0 > 10_000) throw new Error("the download did not start");
      await new Promise((r) => setTimeout(r, 20));
    }
    const dead = new Promise((r) => p.on("close", r));
    p.kill("SIGKILL");
    await dead;
    const stray = filesUnder(root);
    expect(stray).toEqual([expect.stringMatching(new RegExp(`^fake/fake-images-idx3-ubyte\\.gz\\.part-${p.pid}-\\d+$`))]);
    // the runner's idle timeout is 10 s: a partial file of a dead process written to 11 s ago is stale
    const old = (Date.now() - 11_000) / 1000;
    fs.utimesSync(path.join(root, stray[0]), old, old);
    const c = await run(script, [JSON.stringify(file(`${srv.url}/ok`)), root]);
    expect([c.code, c.err]).toEqual([0, ""]);
    expect(filesUnder(root)).toEqual([path.join("fake", "fake-images-idx3-ubyte.gz")]);
  } finally {
    await srv.close();
  }
});
