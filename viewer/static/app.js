// Entry point: a tiny hash router. "#/" is the dataset index, "#/clip/<dir>?t=N" a clip page.
// Hash routing keeps every page on one URL the server serves, so no server-side routes are needed.

import { showClipPage } from "./clip_page.js";
import { showIndexPage } from "./index_page.js";
import { el, fetchJson } from "./util.js";

const root = document.getElementById("app");
let index = null;

async function route() {
  const hash = decodeURIComponent(location.hash.slice(1) || "/");
  const [path, query = ""] = hash.split("?");
  delete root.dataset.ready;
  document.onkeydown = null;
  try {
    // Reload the index on every visit to it: the dataset may still be rendering.
    if (!index || !path.startsWith("/clip/")) index = await fetchJson("/api/index");
    if (path.startsWith("/clip/")) {
      const dir = path.slice("/clip/".length);
      document.title = `${dir} · synthvid`;
      await showClipPage(root, dir, new URLSearchParams(query), index.clips.map((c) => c.dir));
      root.dataset.ready = "clip";
    } else {
      document.title = "synthvid viewer";
      showIndexPage(root, index);
    }
  } catch (error) {
    root.replaceChildren(
      el("p", { className: "error", textContent: `Could not show this page: ${error.message}` }),
    );
    console.error(error);
  }
}

addEventListener("hashchange", route);
route();
