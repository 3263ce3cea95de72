// Issue 12, network faults: each test injects one fault with a local server on 127.0.0.1 (or a name under the
// reserved .invalid TLD, or a port where nothing listens) and checks what obtain() says, that the next source is
// tried, and that nothing is left in the cache. Redirects are followed (up to 20), a redirect loop is refused.
import * as fs from "fs";
import * as path from "path";
import { md5File, obtain } from "../lib/node/data/sources";
import { closedPort, fakeFile, filesUnder, withServer } from "./fault-server";

const quiet = () => undefined;
const opts = (root: string, log: (l: string) => void = quiet) => ({ root, download: true, mirror: "", log, idleTimeoutMs: 300 });

describe("network faults: each is named, the next source is tried, nothing is left", () => {
  const { body, file } = fakeFile();

  test("DNS failure: a host under .invalid is 'host not found', and the next URL is tried", async () => {
    await withServer({ "/ok": (res) => res.writeHead(200, { "content-length": body.length }).end(body) }, async (srv, root) => {
      await expect(obtain(file("http://lecture3-no-such-host.invalid/f.gz"), opts(root))).rejects.toThrow(
        /lecture3-no-such-host\.invalid\/f\.gz: host lecture3-no-such-host\.invalid not found \(DNS lookup failed/,
      );
      expect(fs.readdirSync(root)).toEqual([]);
      const got = await obtain(file("http://lecture3-no-such-host.invalid/f.gz", `${srv.url}/ok`), opts(root));
      expect(md5File(got)).toBe(file().md5);
    });
  });

  test("connection refused: a port with no server is 'connection refused', and the next URL is tried", async () => {
    const port = await closedPort();
    await withServer({ "/ok": (res) => res.writeHead(200).end(body) }, async (srv, root) => {
      await expect(obtain(file(`http://127.0.0.1:${port}/f.gz`), opts(root))).rejects.toThrow(
        new RegExp(`127\\.0\\.0\\.1:${port}/f\\.gz: connection refused by 127\\.0\\.0\\.1:${port} \\(no server listening there\\)`),
      );
      expect(fs.readdirSync(root)).toEqual([]);
      const got = await obtain(file(`http://127.0.0.1:${port}/f.gz`, `${srv.url}/ok`), opts(root));
      expect(md5File(got)).toBe(file().md5);
    });
  });

  test("a server that never answers is given up after idleTimeoutMs with a clear message, not a hang", async () => {
    await withServer({ "/stall": () => undefined, "/ok": (res) => res.writeHead(200).end(body) }, async (srv, root) => {
      const t0 = Date.now();
      await expect(obtain(file(`${srv.url}/stall`), opts(root))).rejects.toThrow(/\/stall: no data for 0\.3 s: the server stalled \(idle timeout\)/);
      expect(Date.now() - t0).toBeLessThan(5000);
      expect(fs.readdirSync(root)).toEqual([]);
      const got = await obtain(file(`${srv.url}/stall`, `${srv.url}/ok`), opts(root));
      expect(md5File(got)).toBe(file().md5);
    });
  });

  test("a server that stalls in the middle of the body is given up after idleTimeoutMs; no partial file", async () => {
    await withServer({
      "/half": (res) => {
        res.writeHead(200, { "content-length": body.length });
        res.write(body.subarray(0, 10_000)); // then nothing, connection kept open
      },
    }, async (srv, root) => {
      const t0 = Date.now();
      await expect(obtain(file(`${srv.url}/half`), opts(root))).rejects.toThrow(/\/half: connection closed after 10000 of 50000 bytes: no data for 0\.3 s/);
      expect(Date.now() - t0).toBeLessThan(5000);
      expect(filesUnder(root)).toEqual([]);
    });
  });

  test("a failed download closes its connection (an open socket kept jest's worker from exiting)", async () => {
    const unread = Buffer.alloc(1 << 20); // an error page too big to be buffered whole: its body stays unread
    let closed: Promise<void> | undefined;
    const route = (res: import("http").ServerResponse) => {
      const socket = res.socket;
      closed = new Promise((r) => socket?.on("close", () => r()));
      res.writeHead(404, { "content-length": unread.length }).end(unread);
    };
    await withServer({ "/404": route }, async (srv, root) => {
      await expect(obtain(file(`${srv.url}/404`), opts(root))).rejects.toThrow(/HTTP 404/);
      const within1s = await Promise.race([closed?.then(() => true), new Promise((r) => setTimeout(() => r(false), 1000))]);
      expect(within1s).toBe(true);
    });
  });

  test("HTTP 403, 404 and 500 are each named with status and meaning, and the next URL is tried", async () => {
    await withServer({
      "/403": (res) => res.writeHead(403).end("no"),
      "/404": (res) => res.writeHead(404).end("no"),
      "/500": (res) => res.writeHead(500).end("no"),
      "/ok": (res) => res.writeHead(200).end(body),
    }, async (srv, root) => {
      const err = await obtain(file(`${srv.url}/403`, `${srv.url}/404`, `${srv.url}/500`), opts(root)).catch((e: Error) => e);
      expect((err as Error).message).toMatch(/\/403: HTTP 403 Forbidden: access refused by the server/);
      expect((err as Error).message).toMatch(/\/404: HTTP 404 Not Found: the file is not at this address/);
      expect((err as Error).message).toMatch(/\/500: HTTP 500 Internal Server Error: the server failed; try again later/);
      expect(fs.readdirSync(root)).toEqual([]);
      const got = await obtain(file(`${srv.url}/403`, `${srv.url}/404`, `${srv.url}/500`, `${srv.url}/ok`), opts(root));
      expect(md5File(got)).toBe(file().md5);
      expect(srv.hits).toEqual(["/403", "/404", "/500", "/403", "/404", "/500", "/ok"]);
    });
  });

  test("a redirect is followed to the file, verified by md5, and the log names where it went", async () => {
    await withServer({
      "/old": (res) => res.writeHead(301, { location: "/moved" }).end(),
      "/moved": (res) => res.writeHead(302, { location: "/new" }).end(),
      "/new": (res) => res.writeHead(200).end(body),
    }, async (srv, root) => {
      const lines: string[] = [];
      const got = await obtain(file(`${srv.url}/old`), opts(root, (l) => lines.push(l)));
      expect(md5File(got)).toBe(file().md5);
      expect(lines.join("\n")).toMatch(/redirected to http:\/\/127\.0\.0\.1:\d+\/new/);
      expect(srv.hits).toEqual(["/old", "/moved", "/new"]);
    });
  });

  test("a redirect loop is refused as 'too many redirects', and nothing is left", async () => {
    await withServer({ "/loop": (res) => res.writeHead(302, { location: "/loop" }).end() }, async (srv, root) => {
      await expect(obtain(file(`${srv.url}/loop`), opts(root))).rejects.toThrow(/\/loop: too many redirects \(more than 20: a redirect loop\?\)/);
      expect(fs.readdirSync(root)).toEqual([]);
    });
  });

  test("a body shorter than its Content-Length: 'connection closed after N of M bytes', no partial file", async () => {
    await withServer({
      "/short": (res) => {
        res.writeHead(200, { "content-length": body.length });
        res.write(body.subarray(0, 20_000));
        setTimeout(() => res.socket?.end(), 20); // a clean close (FIN), not a reset
      },
      "/ok": (res) => res.writeHead(200).end(body),
    }, async (srv, root) => {
      await expect(obtain(file(`${srv.url}/short`), opts(root))).rejects.toThrow(/\/short: connection closed after 20000 of 50000 bytes/);
      expect(filesUnder(root)).toEqual([]);
      const got = await obtain(file(`${srv.url}/short`, `${srv.url}/ok`), opts(root));
      expect(filesUnder(root)).toEqual([path.join("fake", path.basename(got))]);
    });
  });

  test("every source fails: the final error lists each URL tried, in order, with why, and the remedy", async () => {
    const port = await closedPort();
    await withServer({ "/404": (res) => res.writeHead(404).end(), "/stall": () => undefined }, async (srv, root) => {
      const urls = ["http://lecture3-no-such-host.invalid/a", `http://127.0.0.1:${port}/b`, `${srv.url}/404`, `${srv.url}/stall`];
      const err = (await obtain(file(...urls), opts(root)).catch((e: Error) => e)) as Error;
      const lines = err.message.split("\n");
      expect(lines[0]).toMatch(/could not get fake-images-idx3-ubyte\.gz: .*every download failed \(4 tried, in order\):/);
      expect(lines.slice(1, 5).map((l) => l.trim().split(": ")[0])).toEqual(urls);
      expect(lines[1]).toMatch(/not found \(DNS/);
      expect(lines[2]).toMatch(/connection refused/);
      expect(lines[3]).toMatch(/HTTP 404/);
      expect(lines[4]).toMatch(/idle timeout/);
      expect(lines[5]).toMatch(/set LECTURE3_DATA_MIRROR=/);
    });
  });
});
