/**
 * Which objects count as foreground (subjects) and which as set dressing.
 * The alpha matte, default camera subjects and clutter placement use it.
 * An object's `attributes.foreground` (boolean) overrides its class.
 */
export const BACKGROUND_CLASSES: readonly string[] = [
  "floor",
  "ground",
  "wall",
  "ceiling",
  "room",
  "table",
  "background",
  "clutter",
];

export function isForeground(
  object: { cls: string; attributes?: Record<string, unknown> },
): boolean {
  const flag = object.attributes?.foreground;
  if (typeof flag === "boolean") return flag;
  return !BACKGROUND_CLASSES.includes(object.cls);
}
