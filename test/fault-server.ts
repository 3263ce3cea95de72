// A local HTTP server on 127.0.0.1 for the fault-injection tests: routes answer as told, every request is recorded,
// and close() ends stalled connections too (a stalled response would otherwise keep the server open).
import { createHash, randomBytes } from "crypto";
import * as fs from "fs";
import * as http from "http";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import type { RemoteFile } from "../lib/node/data/sources";

export type Route = (res: http.ServerResponse, req: http.IncomingMessage) => void;

export interface Server {
  url: string;
  hits: string[];
  close: () => Promise<void>;
}

export function serve(routes: Record<string, Route>): Promise<Server> {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    hits.push(req.url ?? "");
    const route = routes[req.url ?? ""];
    if (route) route(res, req);
    else res.writeHead(404).end();
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        hits,
        close: () =>
          new Promise<void>((r) => {
            server.closeAllConnections();
            server.close(() => r());
          }),
      });
    }),
  );
}

/** Serves `routes` and makes an empty cache folder for `body`; the server is closed afterwards, also on failure. */
export async function withServer(routes: Record<string, Route>, body: (srv: Server, root: string) => Promise<void>): Promise<void> {
  const srv = await serve(routes);
  try {
    await body(srv, tmpDir());
  } finally {
    await srv.close();
  }
}

/** A port on 127.0.0.1 where nothing listens (bound, then released). */
export function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** A made-up data file (seeded bytes) with its md5, so these tests need no real data set. */
export function fakeFile(size = 50_000, name = "fake-images-idx3-ubyte.gz"): { body: Buffer; file: (...urls: string[]) => RemoteFile } {
  const body = randomBytes(size);
  const md5 = createHash("md5").update(body).digest("hex");
  return { body, file: (...urls) => ({ name, folder: "fake", md5, urls }) };
}

export const tmpDir = (tag = "faults") => fs.mkdtempSync(path.join(os.tmpdir(), `lecture3-${tag}-`));

/** Every file under `dir`, relative paths. */
export function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, withFileTypes: false }).map(String).filter((p) => fs.statSync(path.join(dir, p)).isFile()).sort();
}
