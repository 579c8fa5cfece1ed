// `deno task view [DIR] [--port N]`: a local, read-only web viewer for a dataset folder.
//
// Routes (GET and HEAD only):
//   /                 the page (viewer/static/index.html)
//   /static/<file>    the page's own scripts and styles, served from viewer/static
//   /data/<path>      a file inside DIR (byte ranges supported, so the video can seek)
//   /api/index        one summary per clip (see dataset_index.ts)
//   /api/files?dir=D  the files of one clip folder
// Nothing outside DIR and viewer/static is ever read: see safe_path.ts. The server binds to
// 127.0.0.1 only and answers only requests addressed to that host, so a web page elsewhere
// cannot reach it through a rebound DNS name.

import { buildIndex, listClipFiles } from "./dataset_index.ts";
import { realRoot, resolveInside } from "./safe_path.ts";

export interface ViewerOptions {
  /** Dataset folder to serve. */
  dir: string;
  /** Port to bind; 0 lets the system pick a free one. */
  port: number;
  /** When the port is taken, try the next ones (up to this many) instead of failing. */
  tryNextPorts?: number;
  signal?: AbortSignal;
}

export interface Viewer {
  url: string;
  port: number;
  root: string;
  finished: Promise<void>;
  shutdown(): Promise<void>;
}

const HOST = "127.0.0.1";
const DEFAULT_PORT = 8000;
const STATIC_DIR = new URL("./static/", import.meta.url);

const CONTENT_TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  json: "application/json; charset=utf-8",
  jsonl: "text/plain; charset=utf-8",
  txt: "text/plain; charset=utf-8",
  yaml: "text/plain; charset=utf-8",
  png: "image/png",
  jpg: "image/jpeg",
  svg: "image/svg+xml",
  mp4: "video/mp4",
  wav: "audio/wav",
  npy: "application/octet-stream",
};

// Everything the page needs comes from this server: the policy makes a forgotten CDN link fail
// loudly in development instead of silently needing a network.
const SECURITY_HEADERS = {
  "content-security-policy":
    "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; style-src 'self' 'unsafe-inline'",
  "x-content-type-options": "nosniff",
  "cache-control": "no-cache",
};

function contentType(path: string): string {
  const ext = path.slice(path.lastIndexOf(".") + 1).toLowerCase();
  return CONTENT_TYPES[ext] ?? "application/octet-stream";
}

function textResponse(status: number, text: string): Response {
  return new Response(text + "\n", {
    status,
    headers: { ...SECURITY_HEADERS, "content-type": "text/plain; charset=utf-8" },
  });
}

function jsonResponse(value: unknown): Response {
  return new Response(JSON.stringify(value), {
    headers: { ...SECURITY_HEADERS, "content-type": CONTENT_TYPES.json },
  });
}

/** "bytes=a-b", "bytes=a-", "bytes=-n" → inclusive range, or null when unusable. */
export function parseRange(header: string, size: number): { start: number; end: number } | null {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === "" && match[2] === "")) return null;
  let start: number, end: number;
  if (match[1] === "") {
    start = Math.max(0, size - Number(match[2]));
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === "" ? size - 1 : Math.min(Number(match[2]), size - 1);
  }
  if (start > end || start >= size) return null;
  return { start, end };
}

async function serveFile(path: string, request: Request): Promise<Response> {
  const file = await Deno.open(path, { read: true });
  const size = (await file.stat()).size;
  const headers: Record<string, string> = {
    ...SECURITY_HEADERS,
    "content-type": contentType(path),
    "accept-ranges": "bytes",
  };
  const rangeHeader = request.headers.get("range");
  if (rangeHeader) {
    const range = parseRange(rangeHeader, size);
    if (!range) {
      file.close();
      return new Response(null, {
        status: 416,
        headers: { ...headers, "content-range": `bytes */${size}` },
      });
    }
    const length = range.end - range.start + 1;
    headers["content-range"] = `bytes ${range.start}-${range.end}/${size}`;
    headers["content-length"] = String(length);
    if (request.method === "HEAD") {
      file.close();
      return new Response(null, { status: 206, headers });
    }
    await file.seek(range.start, Deno.SeekMode.Start);
    const body = new Uint8Array(length);
    let read = 0;
    while (read < length) {
      const n = await file.read(body.subarray(read));
      if (n === null) break;
      read += n;
    }
    file.close();
    return new Response(body.subarray(0, read), { status: 206, headers });
  }
  headers["content-length"] = String(size);
  if (request.method === "HEAD") {
    file.close();
    return new Response(null, { headers });
  }
  return new Response(file.readable, { headers });
}

/** Decodes the part of a URL path after `prefix`; null when it is not valid percent-encoding. */
function decodedTail(pathname: string, prefix: string): string | null {
  try {
    return decodeURIComponent(pathname.slice(prefix.length));
  } catch {
    return null;
  }
}

function makeHandler(root: string, staticRoot: string, port: () => number) {
  const allowedHosts = () => new Set([`${HOST}:${port()}`, `localhost:${port()}`]);
  return async (request: Request): Promise<Response> => {
    if (request.method !== "GET" && request.method !== "HEAD") {
      return textResponse(405, "read-only viewer: only GET and HEAD");
    }
    if (!allowedHosts().has(request.headers.get("host") ?? "")) {
      return textResponse(403, "unexpected Host header");
    }
    // Work on the raw path: URL parsing has already removed literal "." and ".." segments,
    // but encoded ones (%2e%2e, %2f) only appear after decoding, where safe_path refuses them.
    const { pathname, searchParams } = new URL(request.url);
    if (pathname === "/" || pathname === "/index.html") {
      return await serveFile(`${staticRoot}/index.html`, request);
    }
    for (const [prefix, base] of [["/static/", staticRoot], ["/data/", root]] as const) {
      if (!pathname.startsWith(prefix)) continue;
      const relative = decodedTail(pathname, prefix);
      if (relative === null) return textResponse(400, "bad percent-encoding");
      const resolved = await resolveInside(base, relative);
      if (!resolved.ok) return textResponse(resolved.status, resolved.reason);
      if (!resolved.isFile) return textResponse(404, "not a file");
      return await serveFile(resolved.path, request);
    }
    if (pathname === "/api/index") return jsonResponse(await buildIndex(root));
    if (pathname === "/api/files") {
      const files = await listClipFiles(root, searchParams.get("dir") ?? "");
      return files ? jsonResponse({ files }) : textResponse(404, "no such clip folder");
    }
    return textResponse(404, "not found");
  };
}

/** Starts the viewer; resolves once it listens. */
export async function startViewer(options: ViewerOptions): Promise<Viewer> {
  const root = await realRoot(options.dir);
  const staticRoot = await realRoot(decodeURIComponent(STATIC_DIR.pathname));
  let boundPort = options.port;
  const handler = makeHandler(root, staticRoot, () => boundPort);
  const attempts = options.port === 0 ? 1 : 1 + (options.tryNextPorts ?? 0);
  for (let i = 0; i < attempts; i++) {
    try {
      const server = Deno.serve({
        hostname: HOST,
        port: options.port + i,
        signal: options.signal,
        onListen: () => {},
        onError: (error) => {
          console.error("viewer:", error);
          return textResponse(500, "internal error");
        },
      }, handler);
      boundPort = server.addr.port;
      return {
        url: `http://${HOST}:${boundPort}/`,
        port: boundPort,
        root,
        finished: server.finished,
        shutdown: () => server.shutdown(),
      };
    } catch (error) {
      if (!(error instanceof Deno.errors.AddrInUse) || i === attempts - 1) throw error;
    }
  }
  throw new Error("unreachable");
}

const USAGE = "usage: deno task view [DIR] [--port N]   (DIR defaults to ./out)";

export function parseArgs(args: string[]): { dir: string; port: number | null } {
  let dir: string | null = null;
  let port: number | null = null;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--port" || arg.startsWith("--port=")) {
      const value = arg === "--port" ? args[++i] : arg.slice("--port=".length);
      port = Number(value);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        throw new Error(`bad port ${value}\n${USAGE}`);
      }
    } else if (arg === "-h" || arg === "--help") {
      throw new Error(USAGE);
    } else if (arg.startsWith("-")) {
      throw new Error(`unknown option ${arg}\n${USAGE}`);
    } else if (dir === null) {
      dir = arg;
    } else {
      throw new Error(`only one DIR, got ${dir} and ${arg}\n${USAGE}`);
    }
  }
  return { dir: dir ?? "out", port };
}

if (import.meta.main) {
  let parsed;
  try {
    parsed = parseArgs(Deno.args);
  } catch (error) {
    console.error((error as Error).message);
    Deno.exit(2);
  }
  try {
    // An explicit --port is taken as asked; the default walks up from 8000 to a free port.
    const viewer = await startViewer({
      dir: parsed.dir,
      port: parsed.port ?? DEFAULT_PORT,
      tryNextPorts: parsed.port === null ? 50 : 0,
    });
    console.log(`synthvid viewer: ${viewer.url}  (serving ${viewer.root}, read-only)`);
  } catch (error) {
    console.error(`viewer: ${(error as Error).message}`);
    Deno.exit(1);
  }
}
