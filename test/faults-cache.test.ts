// Issue 12, cache faults: a cache folder that cannot be written and a disk that fills up while writing. Each ends
// in a CacheWriteError naming the file and the remedy, stops at once (another URL would fail the same way), and
// leaves no partial file. Tests run as root in CI and here, where chmod 555 does not stop writes: the test checks
// whether chmod works, and otherwise injects the same error another way (a cache path under a regular file, or an
// fs call that fails with EACCES).
import type { Mode, OpenMode, PathLike } from "fs";
import * as path from "path";
import { CacheWriteError, md5File, obtain } from "../lib/node/data/sources";
import { fakeFile, filesUnder, serve, tmpDir } from "./fault-server";

// the module object the library calls through (esModuleInterop reads its properties at each call), so a spy on it
// injects a failure into the library's own writes
// eslint-disable-next-line @typescript-eslint/no-require-imports
const fs: typeof import("fs") = require("fs");

const quiet = () => undefined;
const errno = (code: string, syscall: string, file?: string) =>
  Object.assign(new Error(`${code}: ${code === "ENOSPC" ? "no space left on device" : "permission denied"}, ${syscall}${file ? ` '${file}'` : ""}`), { code, syscall });

/** Whether chmod 555 stops this process from writing (not as root). */
function chmodStopsWrites(): boolean {
  const d = tmpDir("probe");
  fs.chmodSync(d, 0o555);
  try {
    fs.writeFileSync(path.join(d, "x"), "");
    return false;
  } catch {
    return true;
  } finally {
    fs.chmodSync(d, 0o755);
    fs.rmSync(d, { recursive: true, force: true });
  }
}

describe("cache faults: an error naming the file and the remedy, no partial file", () => {
  const { body, file } = fakeFile(200_000);
  let srv: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    srv = await serve({ "/ok": (res) => res.writeHead(200, { "content-length": body.length }).end(body) });
  });
  afterAll(() => srv.close());
  afterEach(() => jest.restoreAllMocks());

  test("an unwritable cache folder (chmod 555, or as root a cache path under a regular file): CacheWriteError, nothing fetched", async () => {
    const base = tmpDir();
    let root: string;
    if (chmodStopsWrites()) {
      root = path.join(base, "datasets");
      fs.mkdirSync(root);
      fs.chmodSync(root, 0o555);
    } else {
      fs.writeFileSync(path.join(base, "datasets"), "a file where the cache folder should be");
      root = path.join(base, "datasets");
    }
    try {
      const err = (await obtain(file(`${srv.url}/ok`), { root, download: true, mirror: "", log: quiet }).catch((e) => e)) as Error;
      expect(err).toBeInstanceOf(CacheWriteError);
      expect(err.message).toContain(`cannot write ${path.join(root, "fake", "fake-images-idx3-ubyte.gz")}`);
      expect(err.message).toMatch(/(the folder cannot be written|a part of the path is a file, not a folder).*Pass a root folder you can write/);
      expect(srv.hits).toEqual([]); // stopped before downloading
    } finally {
      if (fs.statSync(root).isDirectory()) fs.chmodSync(root, 0o755);
    }
    expect(filesUnder(base).filter((f) => f !== "datasets")).toEqual([]);
  });

  test("a read-only cache folder (EACCES when the partial file is opened): CacheWriteError naming the folder, no other URL tried", async () => {
    const root = tmpDir();
    const open = fs.openSync;
    jest.spyOn(fs, "openSync").mockImplementation(((p: PathLike, flags?: OpenMode, mode?: Mode) => {
      if (String(p).includes(".part-")) throw errno("EACCES", "open", String(p));
      return open(p, flags ?? "r", mode);
    }) as typeof fs.openSync);
    const hits = srv.hits.length;
    const err = (await obtain(file(`${srv.url}/ok`, `${srv.url}/ok`), { root, download: true, mirror: "", log: quiet }).catch((e) => e)) as Error;
    expect(err).toBeInstanceOf(CacheWriteError);
    expect(err.message).toMatch(new RegExp(`cannot write .*fake-images-idx3-ubyte\\.gz: the folder cannot be written \\(EACCES.*fix the permissions of ${path.join(root, "fake")}`));
    expect(srv.hits.length).toBe(hits);
    expect(filesUnder(root)).toEqual([]);
  });

  test("a full disk while downloading (ENOSPC on write): CacheWriteError 'the disk is full', no partial file, no other URL tried", async () => {
    const root = tmpDir();
    const write = fs.writeSync;
    let writes = 0;
    jest.spyOn(fs, "writeSync").mockImplementation(((fd: number, data: NodeJS.ArrayBufferView) => {
      if (++writes >= 2) throw errno("ENOSPC", "write");
      return write(fd, data);
    }) as typeof fs.writeSync);
    const hits = srv.hits.length;
    const err = (await obtain(file(`${srv.url}/ok`, `${srv.url}/ok`), { root, download: true, mirror: "", log: quiet }).catch((e) => e)) as Error;
    jest.restoreAllMocks();
    expect(err).toBeInstanceOf(CacheWriteError);
    expect(err.message).toMatch(/cannot write .*fake-images-idx3-ubyte\.gz: the disk is full \(ENOSPC.*Nothing was left in the cache\. Free some disk space/);
    expect(srv.hits.length).toBe(hits + 1);
    expect(filesUnder(root)).toEqual([]);
    // with space again, the same call works
    expect(md5File(await obtain(file(`${srv.url}/ok`), { root, download: true, mirror: "", log: quiet }))).toBe(file().md5);
  });

  test("a full disk while copying from the mirror: CacheWriteError, the half-written copy is removed", async () => {
    const mirror = tmpDir("mirror");
    fs.mkdirSync(path.join(mirror, "fake"));
    fs.writeFileSync(path.join(mirror, "fake", "fake-images-idx3-ubyte.gz"), body);
    const root = tmpDir();
    jest.spyOn(fs, "copyFileSync").mockImplementation(((_src: PathLike, dest: PathLike) => {
      fs.writeFileSync(dest, body.subarray(0, 1000)); // what a full disk leaves: a partial file
      throw errno("ENOSPC", "copyfile");
    }) as typeof fs.copyFileSync);
    const err = (await obtain(file(), { root, download: false, mirror, log: quiet }).catch((e) => e)) as Error;
    expect(err).toBeInstanceOf(CacheWriteError);
    expect(err.message).toMatch(/the disk is full/);
    expect(filesUnder(root)).toEqual([]);
  });
});
