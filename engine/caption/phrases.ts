/**
 * Caption phrases built from ClipFacts: noun phrases for objects, clauses for
 * actions and measured motions, and sentences for the camera, the light and
 * the setting. Word choices vary with the caller's Rng; facts never do.
 */
import type { Rng } from "../scene/rng.ts";
import type {
  ActionFacts,
  CameraFacts,
  ClipFacts,
  Direction,
  LightFacts,
  MotionFacts,
  ObjectFacts,
  SettingFacts,
} from "./facts.ts";
import {
  decapitalize,
  listPhrase,
  numberWord,
  plural,
  presentSimple,
  thirdPerson,
  withArticle,
} from "./grammar.ts";

/** How much of an object a noun phrase names. */
export type Detail = "class" | "short" | "medium" | "long";

/** The words for a direction of travel, seen from the camera. */
export const DIRECTION_WORDS: Readonly<Record<Direction, string>> = {
  left_to_right: "from left to right",
  right_to_left: "from right to left",
  toward: "toward the camera",
  away: "away from the camera",
  up: "upward",
  down: "downward",
};

/** The noun for an object: people are "a person" at class level, "a man"/"a woman" otherwise. */
function nounOf(o: ObjectFacts, detail: Detail): string {
  if (o.human && (detail === "class" || o.cls === "human" || o.cls === "character")) {
    return o.noun === "man" || o.noun === "woman"
      ? (detail === "class" ? "person" : o.noun)
      : "person";
  }
  return o.noun;
}

/** "garment" → "a garment"; plural garments ("trousers") take no article. */
function garment(phrase: string): string {
  // Plurals ("blue jeans", "khaki trousers") take no article; "a yellow dress" does.
  return /[^s]s$/.test(phrase) ? phrase : withArticle(phrase);
}

/** An object without its article: "small striped red rubber ball", "man in a red shirt". */
export function objectPhrase(o: ObjectFacts, detail: Detail): string {
  const words: string[] = [];
  const rich = detail === "medium" || detail === "long";
  if (detail === "long" && o.size) words.push(o.size);
  if (rich && o.pattern && !o.human) words.push(o.pattern);
  // People are described by their clothing, never by body colour or material.
  if (detail !== "class" && o.color && !o.human) words.push(o.color);
  if (rich && !o.human) {
    if (o.material) words.push(o.material);
    else if (o.metallic) words.push("metallic");
  }
  if (detail === "long" && o.shape && !o.noun.includes(o.shape)) words.push(o.shape);
  words.push(nounOf(o, detail));
  let phrase = words.join(" ");
  if (o.human && o.clothing.length > 0 && rich) {
    const clothes = detail === "long" ? o.clothing : o.clothing.slice(0, 1);
    phrase += ` in ${listPhrase(clothes.map(garment))}`;
  }
  return phrase;
}

/** With its article: "a red ball". */
export function objectNP(o: ObjectFacts, detail: Detail): string {
  return withArticle(objectPhrase(o, detail));
}

/**
 * With "the" and few words, for a second mention: "the red ball", "the man"; with more words
 * when another of `among` reads the same ("the woman in a white t-shirt" beside another woman).
 */
export function objectRef(o: ObjectFacts, among: readonly ObjectFacts[] = []): string {
  const short = objectPhrase(o, "short");
  const twin = among.some((x) => x.id !== o.id && objectPhrase(x, "short") === short);
  return `the ${twin ? objectPhrase(o, "medium") : short}`;
}

/** Fills "[something]" slots of a template, in order, with the subjects' noun phrases. */
export function fillTemplate(
  template: string,
  subjects: readonly ObjectFacts[],
  detail: Detail,
): string {
  let i = 0;
  return template.replace(/\[([^\]]+)\]/g, (_, slot: string) => {
    const s = subjects[i++];
    if (s) return objectNP(s, detail);
    // A slot with no subject object ("[hand]"): name the slot itself.
    return /^some(thing|one)/i.test(slot) ? slot.toLowerCase() : withArticle(slot.toLowerCase());
  });
}

/** The base verb of an event verb: "push_left_to_right" → "push". */
export function baseVerb(verb: string): string {
  return verb.split(/[_\s-]+/)[0].toLowerCase();
}

/** True for "[Someone] dancing …" templates, whose first subject is the person. */
export function personTemplate(template: string | undefined): boolean {
  return !!template && /^\[some(one|body)\]/i.test(template);
}

/**
 * What a person does, in the present simple, without the person: "dances an uprock",
 * "sits down on something". `detail` names the objects in the template's other slots.
 */
export function personPredicate(a: ActionFacts, detail: Detail): string {
  if (a.template && personTemplate(a.template)) {
    const rest = a.template.replace(/^\[[^\]]+\]\s*/, "");
    return presentSimple(fillTemplate(rest, a.subjects.slice(1), detail));
  }
  if (a.motion) return `does ${withArticle(a.motion.toLowerCase())}`;
  return thirdPerson(baseVerb(a.verb));
}

/** A clause for one action: "someone pushes a red ball from left to right". */
export function actionClause(a: ActionFacts, detail: Detail, rng: Rng): string {
  const [first] = a.subjects;
  const adverb = a.speed ? `${a.speed} ` : "";
  const carrying = a.carrying ? `, carrying ${objectNP(a.carrying, detail)}` : "";
  if (first?.human && (!a.template || personTemplate(a.template))) {
    const who = objectNP(first, detail);
    if (a.motion && !a.template) {
      const move = rng.choice(["performs", "does"]);
      return `${who} ${adverb}${move} ${withArticle(a.motion.toLowerCase())}${carrying}`;
    }
    return `${who} ${adverb}${personPredicate(a, detail)}${carrying}`;
  }
  if (a.template) {
    // "Pushing [something] from left to right": someone (or the hand in view) does it.
    const gerund = decapitalize(fillTemplate(a.template, a.subjects, detail));
    const present = presentSimple(gerund);
    const leads = [`someone ${adverb}${present}`, `the video shows someone ${adverb}${gerund}`];
    if (a.hands === 1) leads.push(`a hand ${adverb}${present}`);
    return rng.choice(leads);
  }
  const who = first ? objectNP(first, detail) : "something";
  return `${who} ${thirdPerson(baseVerb(a.verb))}${a.speed ? ` ${a.speed}` : ""}`;
}

/** A clause for a measured motion: "a red ball rolls slowly from left to right". */
export function motionClause(m: MotionFacts, o: ObjectFacts, detail: Detail, rng: Rng): string {
  const who = objectNP(o, detail);
  const speed = m.speed ? ` ${m.speed}` : "";
  if (m.kind === "spins") return `${who} ${rng.choice(["spins", "turns", "rotates"])} in place`;
  const verb = m.kind === "rolls" ? "rolls" : rng.choice(["moves", "travels"]);
  const where = m.direction ? ` ${DIRECTION_WORDS[m.direction]}` : "";
  return `${who} ${verb}${speed}${where}`;
}

/** Props a caption may list as present (not the stage, the hands or the clutter). */
export function props(objects: readonly ObjectFacts[]): ObjectFacts[] {
  return objects.filter((o) => !o.surface && !o.hand && !o.clutter);
}

/** Clauses for what happens in the clip, most important first. */
export function eventClauses(facts: ClipFacts, detail: Detail, rng: Rng): string[] {
  const out = facts.actions.map((a) => actionClause(a, detail, rng));
  const byId = new Map(facts.objects.map((o) => [o.id, o]));
  for (const m of facts.motions) out.push(motionClause(m, byId.get(m.id)!, detail, rng));
  if (out.length === 0) {
    const still = props(facts.objects).slice(0, 3);
    if (still.length > 0) {
      const verb = still.length === 1 ? "stays" : "stay";
      out.push(
        `${listPhrase(still.map((o) => objectNP(o, detail)))} ${verb} ${
          rng.choice(["still", "motionless"])
        }`,
      );
    }
  }
  return out;
}

/** Joins clauses into one: "a, and then b". */
export function joinClauses(clauses: readonly string[], rng: Rng): string {
  if (clauses.length <= 1) return clauses[0] ?? "";
  const glue = rng.choice([", while ", "; meanwhile, ", ", and "]);
  return clauses.slice(0, -1).join(", ") + glue + clauses[clauses.length - 1];
}

const SKY_PHRASES: Readonly<Record<NonNullable<SettingFacts["sky"]>, string>> = {
  clear: "under a clear sky",
  sunset: "at sunset",
  overcast: "under an overcast sky",
  dusk: "at dusk",
  studio: "in a studio",
};

/**
 * "in a room with beige walls and a dark wood floor", "under a clear sky",
 * "against a blue background", or "". The floor is named with the room only.
 */
export function settingPhrase(s: SettingFacts, rng: Rng, withFloor = false): string {
  if (s.type === "room") {
    // More than two colours read as a list, not a room: say so in one word.
    const walls = !s.walls?.length
      ? ""
      : s.walls.length <= 2
      ? `${listPhrase(s.walls)} walls`
      : s.backWall
      ? withArticle(`${s.backWall} back wall`)
      : "multicoloured walls";
    const floor = withFloor && s.floor ? withArticle(`${s.floor} floor`) : "";
    const features = listPhrase([walls, floor].filter(Boolean));
    const room = s.room ?? "room";
    return `${rng.choice(["in", "inside"])} a ${room}${features ? ` with ${features}` : ""}`;
  }
  if (s.type === "sky") return s.place ?? (s.sky ? SKY_PHRASES[s.sky] : "");
  if (s.background) {
    return rng.choice([
      `against ${withArticle(`${s.background} background`)}`,
      `in front of ${withArticle(`plain ${s.background} background`)}`,
    ]);
  }
  return "";
}

/** "the camera slowly pans to the left": the move's words, direction and target. */
function cameraMove(c: CameraFacts, target: string): string {
  const speed = c.speed ? `${c.speed} ` : "";
  const side = c.direction === "left" || c.direction === "right" ? `to the ${c.direction}` : "";
  switch (c.move) {
    case "static":
      return "the camera stays still";
    case "pan":
      return `the camera ${speed}pans ${side}`;
    case "tilt":
      return `the camera ${speed}tilts ${c.direction ?? ""}`;
    case "truck":
      return `the camera ${speed}slides ${side}`;
    case "pedestal":
      return `the camera ${speed}${c.direction === "down" ? "lowers" : "rises"}`;
    case "dolly":
      return c.direction === "out"
        ? `the camera ${speed}pulls back from ${target}`
        : `the camera ${speed}moves in toward ${target}`;
    case "zoom":
      return c.direction === "out" ? "the camera zooms out" : `the camera zooms in on ${target}`;
    case "orbit":
      return `the camera ${speed}circles around ${target}${side ? ` ${side}` : ""}`;
    case "follow":
      return `the camera follows ${target}`;
  }
}

/**
 * "The camera slowly pans to the left" (no full stop), or "". With `framing`, the
 * first frame's framing: "a static camera films the red ball in a close-up".
 */
export function cameraClause(
  c: CameraFacts | undefined,
  subject: ObjectFacts | undefined,
  rng: Rng,
  framing = false,
  among: readonly ObjectFacts[] = [],
): string {
  if (!c) return "";
  const target = subject ? objectRef(subject, among) : "the scene";
  const shot = framing && c.framing ? withArticle(c.framing) : "";
  if (c.move === "static") {
    if (shot) return `a static camera films ${target} in ${shot}`;
    return rng.choice([
      "the camera is static",
      "the camera stays still",
      "a static camera films the scene",
    ]);
  }
  const move = cameraMove(c, target).trimEnd();
  return shot ? `${move}, starting from ${shot}` : move;
}

const SHADOW_SIDE: Readonly<Record<NonNullable<LightFacts["from"]>, string>> = {
  left: "to the right",
  right: "to the left",
  front: "away from the camera",
  behind: "toward the camera",
  above: "",
};

/** "bright, warm light comes from the left, casting shadows to the right", or "". */
export function lightClause(l: LightFacts | undefined, rng: Rng): string {
  if (!l) return "";
  const adjectives = [l.brightness, l.warmth].filter(Boolean).join(", ");
  const light = adjectives ? `${adjectives} light` : "light";
  const from = l.from === "above"
    ? "from above"
    : l.from === "front"
    ? "from the front"
    : l.from === "behind"
    ? "from behind"
    : l.from
    ? `from the ${l.from}`
    : "";
  if (!from) return adjectives ? `the scene is lit by ${light}` : "";
  const shadows = l.shadows && l.from && SHADOW_SIDE[l.from]
    ? `, casting shadows ${SHADOW_SIDE[l.from]}`
    : "";
  return rng.choice([
    `${light} comes ${from}${shadows}`,
    adjectives
      ? `the scene is lit by ${light} ${from}${shadows}`
      : `the scene is lit ${from}${shadows}`,
  ]);
}

/**
 * "the scene also contains two gray walls and a yellow box", or "": identical
 * phrases are counted, not repeated.
 */
export function othersClause(others: readonly ObjectFacts[], detail: Detail, rng: Rng): string {
  if (others.length === 0) return "";
  const counts = new Map<string, number>();
  for (const o of others) {
    const p = objectPhrase(o, detail);
    counts.set(p, (counts.get(p) ?? 0) + 1);
  }
  const items = [...counts].map(([p, n]) =>
    n === 1 ? withArticle(p) : `${numberWord(n)} ${plural(p)}`
  );
  const list = listPhrase(items);
  return rng.choice([
    `the scene also contains ${list}`,
    `${list} ${others.length === 1 ? "is" : "are"} also in the scene`,
  ]);
}

/** "six more objects lie scattered on the ground", or "". */
export function clutterClause(objects: readonly ObjectFacts[]): string {
  const n = objects.filter((o) => o.clutter).length;
  if (n === 0) return "";
  return n === 1
    ? "one more object lies on the ground nearby"
    : `${numberWord(n)} more objects lie scattered on the ground`;
}
