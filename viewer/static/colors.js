// Colour maps shared by the overlays and legends. instanceColor and the depth ramp follow
// engine/dataset/preview.ts exactly, so the viewer and the preview.png contact sheet agree.

/** 32-bit integer mix (xorshift-multiply); neighbouring ids get unrelated colours. */
function hash32(id) {
  let h = id >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Stable false colour for an instance id (same as engine/dataset/preview.ts); 0 is black. */
export function instanceColor(id) {
  if (id === 0) return [0, 0, 0];
  const h = hash32(id);
  const hue = (h % 360) / 60;
  const saturation = 0.55 + ((h >>> 9) % 46) / 100;
  const value = 0.75 + ((h >>> 16) % 26) / 100;
  const c = value * saturation;
  const x = c * (1 - Math.abs((hue % 2) - 1));
  const m = value - c;
  const sector = Math.floor(hue);
  const [r, g, b] = [[c, x, 0], [x, c, 0], [0, c, x], [0, x, c], [x, 0, c], [c, 0, x]][sector];
  return [Math.round((r + m) * 255), Math.round((g + m) * 255), Math.round((b + m) * 255)];
}

export function cssColor([r, g, b], alpha = 1) {
  return alpha === 1 ? `rgb(${r}, ${g}, ${b})` : `rgba(${r}, ${g}, ${b}, ${alpha})`;
}

// Viridis-like ramp, as in engine/dataset/preview.ts: dark purple (far) → yellow (near).
const RAMP = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];

export function ramp(t) {
  const x = Math.min(1, Math.max(0, t)) * (RAMP.length - 1);
  const i = Math.min(RAMP.length - 2, Math.floor(x));
  const f = x - i;
  const a = RAMP[i], b = RAMP[i + 1];
  return [0, 1, 2].map((k) => Math.round(a[k] + (b[k] - a[k]) * f));
}

/** HSV (h in turns, s and v in 0..1) → 0..255 RGB. */
export function hsv(h, s, v) {
  const hue = ((h % 1) + 1) % 1 * 6;
  const c = v * s;
  const x = c * (1 - Math.abs((hue % 2) - 1));
  const m = v - c;
  const [r, g, b] = [[c, x, 0], [x, c, 0], [0, c, x], [0, x, c], [x, 0, c], [c, 0, x]][
    Math.min(5, Math.floor(hue))
  ];
  return [Math.round((r + m) * 255), Math.round((g + m) * 255), Math.round((b + m) * 255)];
}

/**
 * Optical-flow colour wheel: hue is the direction (0 = pointing right, turning towards +y, which
 * is down in image coordinates), saturation the speed relative to `maxMagnitude`.
 */
export function flowColor(dx, dy, maxMagnitude) {
  const magnitude = Math.hypot(dx, dy);
  if (!(magnitude > 0) || !(maxMagnitude > 0)) return [255, 255, 255];
  const angle = Math.atan2(dy, dx) / (2 * Math.PI);
  return hsv(angle, Math.min(1, magnitude / maxMagnitude), 1);
}

/** Camera-space unit normal → RGB, as in the preview: (n + 1) / 2 per channel. */
export function normalColor(nx, ny, nz) {
  const byte = (v) => Math.round(Math.min(1, Math.max(0, v * 0.5 + 0.5)) * 255);
  return [byte(nx), byte(ny), byte(nz)];
}
