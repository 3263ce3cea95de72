// Where data files come from, in this order:
//   1. the cache (datasets/ in the project, or the `root` you pass)
//   2. the mirror folders named by $LECTURE3_DATA_MIRROR, a ':'-separated list (an offline classroom's USB stick; Debian's
//      /usr/share/datasets from `apt-get install dataset-fashion-mnist`; CI names its own copy and that one), each searched
//      for <folder>/<name>, then <name>
//   3. HTTPS download from the canonical URLs, with a progress line
// Every file is checked against its known md5 before it is used or cached, and written atomically
// (temporary file, then rename), so a corrupt or half-downloaded file never sits in the cache.
// PyTorch: datasets.MNIST(root, download=True)
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { gunzipSync } from "zlib";
import { partOwner, writeAtomically } from "../files";

export const MIRROR_ENV = "LECTURE3_DATA_MIRROR";

export interface RemoteFile {
  /** file name, e.g. "train-images-idx3-ubyte.gz" */
  name: string;
  /** folder under the cache root and the mirror, e.g. "mnist" */
  folder: string;
  /** md5 of the original file; omitted only where the original has no published checksum (the file is then used as found) */
  md5?: string;
  /** md5 of a .gz file's decompressed content: a copy that someone recompressed (Debian's dataset packages) has another
   *  md5 but the same content, and is accepted */
  rawMd5?: string;
  /** tried in order */
  urls: string[];
}

export interface ObtainOptions {
  /** cache folder (the lecture's `root`) */
  root: string;
  /** allow the HTTPS download (the lecture's `download=True`) */
  download?: boolean;
  /** mirror folders, ':'-separated; default $LECTURE3_DATA_MIRROR */
  mirror?: string;
  /** where progress lines go; default console.log */
  log?: (line: string) => void;
  /** give up on a download that sends nothing for this long (ms) */
  idleTimeoutMs?: number;
}

export function md5File(file: string): string {
  const h = createHash("md5");
  const fd = fs.openSync(file, "r");
  try {
    const chunk = Buffer.alloc(1 << 20);
    let n: number;
    while ((n = fs.readSync(fd, chunk, 0, chunk.length, null)) > 0) h.update(chunk.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
  return h.digest("hex");
}

/** The folders of a mirror list (default $LECTURE3_DATA_MIRROR): "a:b" → ["a", "b"] (";" on Windows), empty entries dropped. */
export function mirrorFolders(list = process.env[MIRROR_ENV] ?? ""): string[] {
  return list.split(path.delimiter).filter((d) => d !== "");
}

/** Where `file` may sit in the mirror folders, in the order they are tried: every <folder>/<folder of the file>/<name>, then every <folder>/<name>. */
export function mirrorCandidates(file: RemoteFile, list?: string): string[] {
  const folders = mirrorFolders(list);
  return [...folders.map((m) => path.join(m, file.folder, file.name)), ...folders.map((m) => path.join(m, file.name))];
}

/** Whether `found` is the file: its md5, or for a recompressed copy the md5 of its content. No md5 known: any file is. */
function verified(file: RemoteFile, found: string): boolean {
  if (file.md5 === undefined) return true;
  if (file.rawMd5 === undefined) return md5File(found) === file.md5;
  const bytes = fs.readFileSync(found); // read once for both digests
  if (createHash("md5").update(bytes).digest("hex") === file.md5) return true;
  try {
    return createHash("md5").update(gunzipSync(bytes)).digest("hex") === file.rawMd5;
  } catch {
    return false; // not gzip data
  }
}

/**
 * Writing into the cache failed (a folder that cannot be written, a full disk): no other source can help, so
 * obtain() stops at once with the file, the reason and the remedy, and leaves no partial file.
 */
export class CacheWriteError extends Error {
  constructor(
    readonly file: string,
    readonly error: NodeJS.ErrnoException,
  ) {
    const code = error.code ?? "";
    const why =
      code === "ENOSPC" || code === "EDQUOT"
        ? "the disk is full"
        : code === "EACCES" || code === "EPERM" || code === "EROFS"
          ? "the folder cannot be written"
          : code === "ENOTDIR" || code === "EEXIST"
            ? "a part of the path is a file, not a folder"
            : "the write failed";
    super(
      `cannot write ${file}: ${why} (${error.message}). Nothing was left in the cache. ` +
        (code === "ENOSPC" || code === "EDQUOT"
          ? "Free some disk space, or pass another root folder, and run the cell again."
          : `Pass a root folder you can write (e.g. root: "/tmp/datasets"), or fix the permissions of ${path.dirname(file)}.`),
    );
    this.name = "CacheWriteError";
  }
}

/** Runs a file-system write for `file`, turning its error into a CacheWriteError. */
function cacheWrite<T>(file: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof CacheWriteError) throw e;
    throw new CacheWriteError(file, e as NodeJS.ErrnoException);
  }
}

/** A network error in words: what failed, for a person reading the list of sources tried. */
function networkReason(err: Error, url: string, idleS: number): string {
  if (err.name === "AbortError" || err.name === "TimeoutError") return `no data for ${idleS} s: the server stalled (idle timeout)`;
  const cause = err.cause as (NodeJS.ErrnoException & { message?: string }) | undefined;
  const code = cause?.code ?? "";
  let host = url;
  try {
    host = new URL(url).host;
  } catch {
    /* not a URL: keep it whole */
  }
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return `host ${host.replace(/:\d+$/, "")} not found (DNS lookup failed: no network, or a wrong address) [${code}]`;
  if (code === "ECONNREFUSED") return `connection refused by ${host} (no server listening there) [${code}]`;
  if (code === "ECONNRESET" || code === "UND_ERR_SOCKET") return `connection to ${host} closed by the server (${cause?.message ?? code})`;
  if (code === "ETIMEDOUT" || code === "UND_ERR_CONNECT_TIMEOUT") return `connection to ${host} timed out [${code}]`;
  const inner = cause?.message ?? (cause === undefined ? "" : String(cause));
  if (/redirect count exceeded/.test(inner)) return `too many redirects (more than 20: a redirect loop?)`;
  return `${err.message}${inner ? ` (${inner})` : ""}`;
}

function httpReason(status: number, statusText: string): string {
  const why =
    status === 401 || status === 403
      ? "access refused by the server"
      : status === 404 || status === 410
        ? "the file is not at this address"
        : status >= 500
          ? "the server failed; try again later"
          : "not the file (an unexpected answer)";
  return `HTTP ${status} ${statusText}: ${why}`;
}

/** Copies `src` to `dest` through a temporary file and a rename. */
function atomicCopy(src: string, dest: string): void {
  const guard = <T>(f: () => T): T => cacheWrite(dest, f);
  writeAtomically(dest, (tmp) => guard(() => fs.copyFileSync(src, tmp)), guard);
}

function mb(n: number): string {
  return `${(n / 1e6).toFixed(1)} MB`;
}

/**
 * Downloads `url` into `dest` (atomically), checking the md5 on the way. Throws on any failure: a network failure
 * as an Error whose message says why in words, a failure to write `dest` as a CacheWriteError.
 * Redirects are followed (up to 20, as browsers do; the canonical hosts redirect), and the final address is logged.
 */
export async function download(url: string, dest: string, md5: string | undefined, opts: Pick<ObtainOptions, "log" | "idleTimeoutMs"> = {}): Promise<void> {
  const log = opts.log ?? ((s: string) => console.log(s));
  const idle = opts.idleTimeoutMs ?? 30_000;
  const controller = new AbortController();
  let timer = setTimeout(() => controller.abort(), idle);
  let got = 0;
  let total = 0;
  const t0 = Date.now();
  const fill = async (tmp: string): Promise<void> => {
    let out: number | undefined = cacheWrite(dest, () => fs.openSync(tmp, "w"));
    try {
      const res = await fetch(url, { signal: controller.signal });
      if (!res.ok || res.body === null) throw new Error(httpReason(res.status, res.statusText));
      if (res.redirected) log(`  redirected to ${res.url}`);
      total = Number(res.headers.get("content-length") ?? 0);
      const hash = createHash("md5");
      const reader = res.body.getReader();
      let shown = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        clearTimeout(timer);
        timer = setTimeout(() => controller.abort(), idle);
        const fd = out;
        cacheWrite(dest, () => fs.writeSync(fd, value));
        hash.update(value);
        got += value.length;
        // a few lines per file, not one per chunk: 25 %, 50 %, 75 %
        const quarter = total > 0 ? Math.floor((4 * got) / total) : 0;
        if (quarter > shown && quarter < 4) {
          shown = quarter;
          log(`  ${path.basename(dest)}: ${25 * quarter}% of ${mb(total)}`);
        }
      }
      if (total > 0 && got !== total) throw new Error(`connection closed after ${got} of ${total} bytes`);
      const digest = hash.digest("hex");
      if (md5 !== undefined && digest !== md5) throw new Error(`md5 ${digest}, expected ${md5} (corrupt or wrong file)`);
      const fd = out;
      out = undefined;
      cacheWrite(dest, () => fs.closeSync(fd));
    } finally {
      if (out !== undefined) {
        try {
          fs.closeSync(out);
        } catch {
          /* already closed */
        }
      }
    }
  };
  try {
    await writeAtomically(dest, fill, (f) => cacheWrite(dest, f));
    log(`  ${path.basename(dest)}: done, ${mb(got)} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  } catch (e) {
    if (e instanceof CacheWriteError) throw e;
    const err = e as Error;
    const reason = networkReason(err, url, idle / 1000);
    // a body that ends early (a server that closes the connection, or sends less than its Content-Length)
    throw new Error(got > 0 && total > 0 && got < total && !/connection closed after/.test(reason) ? `connection closed after ${got} of ${total} bytes: ${reason}` : reason);
  } finally {
    clearTimeout(timer);
    // a failure (an HTTP error whose body was not read, a bad md5, a short body) leaves the response's connection
    // open, and an open socket keeps the process (a jest worker, a script) from ending: aborting closes it
    controller.abort();
  }
}

/** Returns the path of a verified copy of `file` in the cache, fetching it if needed. A failure leaves no new folder behind. */
export async function obtain(file: RemoteFile, opts: ObtainOptions): Promise<string> {
  const made = missingFolders(path.join(opts.root, file.folder));
  try {
    return await obtainInto(file, opts);
  } catch (e) {
    for (const d of made) {
      try {
        fs.rmdirSync(d); // only if still empty
      } catch {
        break;
      }
    }
    throw e;
  }
}

/**
 * Removes the partial files `name.part-PID-time` left in `dir` by processes that no longer run (a kernel killed in
 * the middle of a download) and not written for longer than `idleMs` (a live download writes more often than its
 * idle timeout, or gives up: this keeps the partial file of a download on another machine sharing the folder).
 * Those of a running process (another notebook downloading the same file now) are kept.
 */
function removeStaleParts(dir: string, name: string, idleMs: number): void {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const n of names) {
    const pid = partOwner(n, name);
    if (pid === null) continue;
    let alive = pid === process.pid;
    if (!alive) {
      try {
        process.kill(pid, 0);
        alive = true;
      } catch (e) {
        alive = (e as NodeJS.ErrnoException).code === "EPERM"; // running, someone else's
      }
    }
    if (alive) continue;
    try {
      if (Date.now() - fs.statSync(path.join(dir, n)).mtimeMs > idleMs) fs.rmSync(path.join(dir, n), { force: true });
    } catch {
      /* gone already, or not ours to remove: it does no harm */
    }
  }
}

/** The folders of `dir`'s path that do not exist yet, deepest first. */
function missingFolders(dir: string): string[] {
  const out: string[] = [];
  for (let d = path.resolve(dir); !fs.existsSync(d) && path.dirname(d) !== d; d = path.dirname(d)) out.push(d);
  return out;
}

async function obtainInto(file: RemoteFile, opts: ObtainOptions): Promise<string> {
  const log = opts.log ?? ((s: string) => console.log(s));
  const dir = path.join(opts.root, file.folder);
  const cached = path.join(dir, file.name);
  if (fs.existsSync(cached)) {
    if (verified(file, cached)) return cached;
    log(`${cached}: md5 ${md5File(cached)}, expected ${file.md5}; removed the corrupt copy, fetching it again`);
    fs.rmSync(cached, { force: true });
  }
  cacheWrite(cached, () => fs.mkdirSync(dir, { recursive: true }));
  removeStaleParts(dir, file.name, opts.idleTimeoutMs ?? 30_000);

  const mirror = opts.mirror ?? process.env[MIRROR_ENV];
  if (mirror) {
    const candidates = mirrorCandidates(file, mirror);
    // another data set's file of the same name (MNIST's and Fashion-MNIST's are alike) fails the md5: try the next one
    const present = candidates.filter((c) => fs.existsSync(c));
    const found = present.find((c) => verified(file, c));
    if (found) {
      atomicCopy(found, cached);
      return cached;
    }
    if (present.length > 0) {
      throw new Error(
        `${present[0]}: md5 ${md5File(present[0])}, expected ${file.md5}; the mirror's copy of ${file.name} is corrupt. ` +
          `Replace it with the original file (see datasets/README.md), or unset ${MIRROR_ENV} to download it.`,
      );
    }
    log(`${file.name}: not in the mirror ${mirror} (looked for ${candidates.join(", ")})`);
  }

  if (!opts.download) {
    throw new Error(
      `${file.name} is not in ${dir}. Pass download: true, or set ${MIRROR_ENV} to a folder that holds ${file.folder}/${file.name}.`,
    );
  }
  const failures: string[] = [];
  for (const url of file.urls) {
    log(`downloading ${url}`);
    try {
      await download(url, cached, file.md5, opts);
      return cached;
    } catch (e) {
      if (e instanceof CacheWriteError) throw e; // another source would fail the same way
      failures.push(`${url}: ${(e as Error).message}`);
      log(`  failed: ${(e as Error).message}`);
    }
  }
  throw new Error(
    `could not get ${file.name}: it is not in the cache (${dir})` +
      (mirror ? ` nor in the mirror ${mirror}` : `, no mirror is set`) +
      `, and every download failed (${failures.length} tried, in order):\n  ${failures.join("\n  ")}\n` +
      `Without a network, set ${MIRROR_ENV}=/path/to/folder holding ${file.folder}/${file.name} (see datasets/README.md).`,
  );
}
