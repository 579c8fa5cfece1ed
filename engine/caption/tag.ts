/**
 * The special tag that marks a caption as synthetic (seed 004, Table 7: a tag
 * lifts success from 12.5 % to 90 %), and the negative prompt that pairs with
 * it so a generator can be steered away from the synthetic look.
 */

export interface TagOptions {
  /** The tag text, e.g. "[synthetic]". */
  tag: string;
  /** "leading", "trailing" or "off". */
  tag_position: string;
  /** Negative prompt; empty means the tag itself. */
  negative: string;
}

export const TAG_DEFAULTS = { tag: "[synthetic]", tag_position: "leading", negative: "" } as const;
export const TAG_POSITIONS = ["leading", "trailing", "off"] as const;

/** Adds the tag to a caption text. */
export function applyTag(text: string, o: TagOptions): string {
  if (o.tag_position === "off" || !o.tag) return text;
  return o.tag_position === "trailing" ? `${text} ${o.tag}` : `${o.tag} ${text}`;
}

/** The negative prompt for tagged captions; undefined when the tag is off. */
export function negativePrompt(o: TagOptions): string | undefined {
  if (o.tag_position === "off" || !o.tag) return undefined;
  return o.negative || o.tag;
}

/** A caption's text with the tag taken off (for word checks and statistics). */
export function stripTag(text: string, tag: string): string {
  if (!tag) return text;
  if (text.startsWith(`${tag} `)) return text.slice(tag.length + 1);
  if (text.endsWith(` ${tag}`)) return text.slice(0, -tag.length - 1);
  return text;
}
