// Small DOM and fetch helpers shared by the pages.

/** Creates an element, assigns `props` (DOM properties) and appends `children` (nodes or text). */
export function el(tag, props = {}, children = []) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === "style") node.style.cssText = value;
    else node[key] = value;
  }
  for (const child of children) {
    if (child === "" || child === null || child === undefined) continue;
    node.append(child);
  }
  return node;
}

/** URL of a file inside the dataset folder (each path segment percent-encoded). */
export function dataUrl(path) {
  return "/data/" + path.split("/").map(encodeURIComponent).join("/");
}

export async function fetchJson(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: ${response.status} ${response.statusText}`);
  return await response.json();
}
