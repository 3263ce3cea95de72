// Archives (zip and tar.gz) read in memory and unpacked into the cache atomically.
//   unpack("datasets/hymenoptera/hymenoptera_data.zip", "datasets/hymenoptera/unpacked")
// Everything is written into a temporary sibling folder first and renamed to its final name at the end, so a
// failure (a truncated archive, a bad entry, a full disk) leaves no half-unpacked folder behind; a folder that
// exists is complete. An entry whose path would leave the target folder ("../x", "/etc/x", "a/../../x", a link)
// is refused with an error that names the archive and the entry, and nothing is written.
// Formats: zip (stored and deflate entries, CRC-32 checked), tar (ustar, GNU long names, pax paths), gzip-compressed or not.
import * as fs from "fs";
import * as path from "path";
import * as zlib from "zlib";
import { writeAtomically } from "../files";

export interface ArchiveEntry {
  /** path inside the archive, "/"-separated, as written there */
  path: string;
  data: Buffer;
}

/** The entry's path made safe to join onto a folder, or an error naming the archive and the entry. */
export function safeEntryPath(archive: string, entry: string): string {
  const p = entry.replace(/\\/g, "/");
  const parts = p.split("/").filter((s) => s !== "" && s !== ".");
  if (p.startsWith("/") || /^[A-Za-z]:/.test(p) || parts.includes("..") || parts.length === 0) {
    throw new Error(`${archive}: entry "${entry}" would be written outside the target folder; the archive is refused (nothing was unpacked)`);
  }
  return parts.join("/");
}

// ---------------------------------------------------------------- zip

function zipError(file: string, what: string): Error {
  return new Error(`${file}: not a complete zip archive (${what}); it is probably truncated or corrupt. Delete it and download it again`);
}

/** The files of a zip archive (directories are implied by the paths and skipped). */
export function readZip(bytes: Buffer, file = "archive.zip"): ArchiveEntry[] {
  // End of central directory: signature 0x06054b50, at most 65535 + 22 bytes from the end
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 0xffff); i--) {
    if (bytes.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw zipError(file, "no end-of-central-directory record");
  let count = bytes.readUInt16LE(eocd + 10);
  let cdSize = bytes.readUInt32LE(eocd + 12);
  let cdOffset = bytes.readUInt32LE(eocd + 16);
  if (cdOffset === 0xffffffff || count === 0xffff) {
    // zip64: the locator sits just before the EOCD record
    const loc = eocd - 20;
    if (loc < 0 || bytes.readUInt32LE(loc) !== 0x07064b50) throw zipError(file, "zip64 locator missing");
    const rec = Number(bytes.readBigUInt64LE(loc + 8));
    if (rec + 56 > bytes.length || bytes.readUInt32LE(rec) !== 0x06064b50) throw zipError(file, "zip64 record missing");
    count = Number(bytes.readBigUInt64LE(rec + 32));
    cdSize = Number(bytes.readBigUInt64LE(rec + 40));
    cdOffset = Number(bytes.readBigUInt64LE(rec + 48));
  }
  if (cdOffset + cdSize > bytes.length) throw zipError(file, "central directory past the end of the file");
  const out: ArchiveEntry[] = [];
  let p = cdOffset;
  for (let k = 0; k < count; k++) {
    if (p + 46 > bytes.length || bytes.readUInt32LE(p) !== 0x02014b50) throw zipError(file, `central directory entry ${k} is damaged`);
    const flags = bytes.readUInt16LE(p + 8);
    const method = bytes.readUInt16LE(p + 10);
    const crc = bytes.readUInt32LE(p + 16);
    let csize = bytes.readUInt32LE(p + 20);
    let usize = bytes.readUInt32LE(p + 24);
    const nameLen = bytes.readUInt16LE(p + 28);
    const extraLen = bytes.readUInt16LE(p + 30);
    const commentLen = bytes.readUInt16LE(p + 32);
    let local = bytes.readUInt32LE(p + 42);
    const name = bytes.subarray(p + 46, p + 46 + nameLen).toString(flags & 0x800 ? "utf8" : "latin1");
    // zip64 extra field: sizes and offset that did not fit in 32 bits
    const extra = bytes.subarray(p + 46 + nameLen, p + 46 + nameLen + extraLen);
    for (let e = 0; e + 4 <= extra.length; ) {
      const id = extra.readUInt16LE(e);
      const len = extra.readUInt16LE(e + 2);
      if (id === 0x0001) {
        let q = e + 4;
        if (usize === 0xffffffff) (usize = Number(extra.readBigUInt64LE(q))), (q += 8);
        if (csize === 0xffffffff) (csize = Number(extra.readBigUInt64LE(q))), (q += 8);
        if (local === 0xffffffff) local = Number(extra.readBigUInt64LE(q));
      }
      e += 4 + len;
    }
    p += 46 + nameLen + extraLen + commentLen;
    if (name.endsWith("/")) continue; // a directory
    if (local + 30 > bytes.length || bytes.readUInt32LE(local) !== 0x04034b50) throw zipError(file, `entry "${name}" has no local header`);
    const start = local + 30 + bytes.readUInt16LE(local + 26) + bytes.readUInt16LE(local + 28);
    if (start + csize > bytes.length) throw zipError(file, `entry "${name}" is cut off`);
    if (flags & 1) throw new Error(`${file}: entry "${name}" is encrypted; encrypted zip archives are not supported`);
    const raw = bytes.subarray(start, start + csize);
    let data: Buffer;
    if (method === 0) data = Buffer.from(raw);
    else if (method === 8) {
      try {
        data = zlib.inflateRawSync(raw);
      } catch (e) {
        throw zipError(file, `entry "${name}": ${(e as Error).message}`);
      }
    } else throw new Error(`${file}: entry "${name}" uses compression method ${method}; only stored (0) and deflate (8) are supported`);
    if (data.length !== usize || zlib.crc32(data) !== crc) throw zipError(file, `entry "${name}" fails its CRC-32 check`);
    out.push({ path: name, data });
  }
  return out;
}

// ---------------------------------------------------------------- tar

function tarString(block: Buffer, start: number, len: number): string {
  const b = block.subarray(start, start + len);
  const end = b.indexOf(0);
  return b.subarray(0, end < 0 ? b.length : end).toString("utf8");
}

function tarNumber(block: Buffer, start: number, len: number): number {
  const b = block.subarray(start, start + len);
  if (b[0] & 0x80) {
    // base-256 (GNU) for large sizes
    let v = 0;
    for (let i = 1; i < b.length; i++) v = v * 256 + b[i];
    return v;
  }
  const s = tarString(block, start, len).trim();
  return s === "" ? 0 : parseInt(s, 8);
}

/** The regular files of a tar archive (gzip-compressed or not). Links are refused: they could point outside the target. */
export function readTar(bytes: Buffer, file = "archive.tar"): ArchiveEntry[] {
  let tar = bytes;
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      tar = zlib.gunzipSync(bytes);
    } catch (e) {
      throw new Error(`${file}: broken gzip data (${(e as Error).message}); the file is probably truncated or corrupt. Delete it and download it again`);
    }
  }
  const out: ArchiveEntry[] = [];
  let p = 0;
  let longName: string | null = null;
  let paxPath: string | null = null;
  for (;;) {
    if (p + 512 > tar.length) throw new Error(`${file}: the tar data ends in the middle of a header (at byte ${p}); the file is truncated. Delete it and download it again`);
    const h = tar.subarray(p, p + 512);
    if (h.every((x) => x === 0)) break; // end of archive
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : h[i];
    if (sum !== tarNumber(h, 148, 8)) throw new Error(`${file}: tar header at byte ${p} fails its checksum; not a tar archive, or a corrupt one`);
    const size = tarNumber(h, 124, 12);
    const type = String.fromCharCode(h[156] || 0x30);
    const prefix = tarString(h, 257, 5) === "ustar" ? tarString(h, 345, 155) : "";
    const name = longName ?? paxPath ?? (prefix ? `${prefix}/${tarString(h, 0, 100)}` : tarString(h, 0, 100));
    const start = p + 512;
    if (start + size > tar.length) throw new Error(`${file}: entry "${name}" is cut off (${size} bytes announced, ${tar.length - start} present); the file is truncated. Delete it and download it again`);
    const data = tar.subarray(start, start + size);
    p = start + Math.ceil(size / 512) * 512;
    if (type === "L") {
      longName = tarString(data, 0, data.length);
      continue;
    }
    if (type === "x") {
      const m = data.toString("utf8").match(/(?:^|\n)\d+ path=([^\n]*)\n/);
      paxPath = m ? m[1] : null;
      continue;
    }
    if (type === "g") continue; // global pax header
    longName = null;
    paxPath = null;
    if (type === "0" || type === "7") out.push({ path: name, data: Buffer.from(data) });
    else if (type === "1" || type === "2") throw new Error(`${file}: entry "${name}" is a link; links are refused (they could point outside the target folder)`);
    // directories (5) and other types are implied or ignored
  }
  return out;
}

// ---------------------------------------------------------------- unpacking

/** The files of a zip, tar or tar.gz archive, in memory (chosen by the file's first bytes). */
export function readArchive(file: string): ArchiveEntry[] {
  const bytes = fs.readFileSync(file);
  if (bytes.length >= 4 && bytes.readUInt32LE(0) === 0x04034b50) return readZip(bytes, file);
  if (bytes.length >= 4 && bytes.readUInt32LE(0) === 0x06054b50) return []; // an empty zip
  if (/\.zip$/i.test(file)) throw zipError(file, "no zip signature at its start");
  return readTar(bytes, file);
}

/**
 * Unpacks `file` (zip, tar, tar.gz) into the folder `dest`, atomically: into a temporary sibling, then one rename.
 * If `dest` exists it is returned as it is (an earlier unpacking finished). Returns `dest`.
 * Every entry path is checked before anything is written.
 */
export function unpack(file: string, dest: string, opts: { log?: (line: string) => void } = {}): string {
  if (fs.existsSync(dest)) return dest;
  const t0 = Date.now();
  const entries = readArchive(file);
  const safe = entries.map((e) => safeEntryPath(file, e.path));
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  // if another process unpacks the same archive and finishes first, its folder is used
  writeAtomically(dest, (tmp) => {
    fs.mkdirSync(tmp);
    const made = new Set<string>();
    entries.forEach((e, i) => {
      const target = path.join(tmp, ...safe[i].split("/"));
      const dir = path.dirname(target);
      if (!made.has(dir)) {
        fs.mkdirSync(dir, { recursive: true });
        made.add(dir);
      }
      fs.writeFileSync(target, e.data);
    });
  });
  opts.log?.(`${path.basename(file)}: ${entries.length} files unpacked into ${dest} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  return dest;
}
