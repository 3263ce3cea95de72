// lib/data/archive.ts on generated archives: zip (stored, deflate), tar, tar.gz; truncated and malicious ones refused.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { readArchive, readTar, readZip, safeEntryPath, unpack } from "../lib/node/data/archive";
import { makeTar, makeZip } from "./fixtures";

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "lecture3-archive-"));
const FILES: [string, Buffer][] = [
  ["set/train/ants/ant photos.jpg", Buffer.from("not really a jpeg, but bytes")],
  ["set/train/bees/b.png", Buffer.alloc(3000, 7)],
  ["set/val/日本語.txt", Buffer.from("こんにちは")],
];

/** No folder or .part folder is left next to `dest`. */
function nothingLeft(dir: string): void {
  expect(fs.readdirSync(dir).filter((n) => n !== "a.zip" && n !== "a.tar.gz" && n !== "a.tar")).toEqual([]);
}

describe("zip", () => {
  test.each([false, true])("stored and deflated entries round-trip (deflate %s), names with spaces and UTF-8", (deflate) => {
    const entries = readZip(makeZip(FILES, deflate), "x.zip");
    expect(entries.map((e) => e.path)).toEqual(FILES.map(([n]) => n));
    entries.forEach((e, i) => expect(Buffer.compare(e.data, FILES[i][1])).toBe(0));
  });
  test("unpack writes the files into the target folder, and a second call reuses it", () => {
    const dir = tmp();
    const zip = path.join(dir, "a.zip");
    fs.writeFileSync(zip, makeZip(FILES, true));
    const dest = unpack(zip, path.join(dir, "out"));
    expect(fs.readFileSync(path.join(dest, "set/train/ants/ant photos.jpg"), "utf8")).toBe("not really a jpeg, but bytes");
    expect(fs.readFileSync(path.join(dest, "set/val/日本語.txt"), "utf8")).toBe("こんにちは");
    fs.rmSync(zip);
    expect(unpack(zip, dest)).toBe(dest); // exists: not read again
    expect(fs.readdirSync(dir)).toEqual(["out"]);
  });
  test("a truncated zip is an error naming the file, and nothing is unpacked", () => {
    const dir = tmp();
    const zip = path.join(dir, "a.zip");
    const whole = makeZip(FILES);
    for (const cut of [whole.length - 10, Math.floor(whole.length / 2), 100]) {
      fs.writeFileSync(zip, whole.subarray(0, cut));
      expect(() => unpack(zip, path.join(dir, "out"))).toThrow(new RegExp(`${zip.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: not a complete zip archive .*truncated`));
      nothingLeft(dir);
    }
  });
  test("a damaged entry fails its CRC-32 check", () => {
    const zip = makeZip(FILES);
    zip[40 + FILES[0][0].length] ^= 0xff; // a byte of the first entry's data
    expect(() => readZip(zip, "bad.zip")).toThrow(/bad\.zip: .*"set\/train\/ants\/ant photos\.jpg" fails its CRC-32 check/);
  });
  test("an entry with ../ in its path is refused with an error naming archive and entry; nothing is written", () => {
    const dir = tmp();
    const zip = path.join(dir, "a.zip");
    fs.writeFileSync(zip, makeZip([["ok.txt", Buffer.from("x")], ["set/../../evil.txt", Buffer.from("owned")]]));
    expect(() => unpack(zip, path.join(dir, "out"))).toThrow(/a\.zip: entry "set\/\.\.\/\.\.\/evil\.txt" would be written outside the target folder; the archive is refused/);
    nothingLeft(dir);
    expect(fs.existsSync(path.join(dir, "..", "evil.txt"))).toBe(false);
  });
});

describe("tar", () => {
  const entries = FILES.map(([name, data]) => ({ name, data }));
  test.each([true, false])("tar (gzip %s) round-trips, directories implied", (gz) => {
    const got = readTar(makeTar([{ name: "set/", type: "5" }, ...entries], gz), "x.tar");
    expect(got.map((e) => e.path)).toEqual(FILES.map(([n]) => n));
    got.forEach((e, i) => expect(Buffer.compare(e.data, FILES[i][1])).toBe(0));
  });
  test("readArchive tells zip from tar.gz by the bytes; unpack of a tar.gz", () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, "a.tar.gz"), makeTar(entries));
    const dest = unpack(path.join(dir, "a.tar.gz"), path.join(dir, "out"));
    expect(fs.readFileSync(path.join(dest, "set/train/bees/b.png")).length).toBe(3000);
    expect(readArchive(path.join(dir, "a.tar.gz")).length).toBe(3);
  });
  test("a truncated tar.gz is an error naming the file; nothing is unpacked", () => {
    const dir = tmp();
    const file = path.join(dir, "a.tar.gz");
    const whole = makeTar(entries);
    fs.writeFileSync(file, whole.subarray(0, whole.length - 30));
    expect(() => unpack(file, path.join(dir, "out"))).toThrow(/a\.tar\.gz: broken gzip data .*truncated/);
    fs.writeFileSync(file, makeTar(entries, false).subarray(0, 2000)); // cut inside b.png (bytes 1536-4535)
    expect(() => unpack(file, path.join(dir, "out"))).toThrow(/a\.tar\.gz: entry "set\/train\/bees\/b\.png" is cut off .*truncated/);
    nothingLeft(dir);
  });
  test.each(["../evil.txt", "/etc/evil.txt", "a/../../evil.txt"])("entry %s is refused; nothing is written", (name) => {
    const dir = tmp();
    const file = path.join(dir, "a.tar.gz");
    fs.writeFileSync(file, makeTar([{ name: "ok.txt", data: Buffer.from("x") }, { name, data: Buffer.from("owned") }]));
    expect(() => unpack(file, path.join(dir, "out"))).toThrow(/a\.tar\.gz: entry ".*evil\.txt" would be written outside the target folder/);
    nothingLeft(dir);
  });
  test("links are refused (they could point outside the target)", () => {
    expect(() => readTar(makeTar([{ name: "link", type: "2", link: "/etc/passwd" }]), "l.tar.gz")).toThrow(/l\.tar\.gz: entry "link" is a link; links are refused/);
  });
  test("a file that is neither zip nor tar", () => {
    expect(() => readTar(Buffer.alloc(1024, 65), "junk.tar")).toThrow(/junk\.tar: tar header at byte 0 fails its checksum/);
  });
});

test("safeEntryPath normalizes harmless paths and refuses the others", () => {
  expect(safeEntryPath("a", "./x//y/./z.jpg")).toBe("x/y/z.jpg");
  expect(() => safeEntryPath("a", "C:\\x")).toThrow(/outside/);
  expect(() => safeEntryPath("a", "x\\..\\..\\y")).toThrow(/outside/);
});
