/**
 * Caption phrases built from ClipFacts: noun phrases for objects, clauses for
 * actions and measured motions, and sentences for the camera, the light and
 * the setting. Word choices vary with the caller's Rng; facts never do.
 */
import type { Rng } from "../rng.ts";
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
import { decapitalize, listPhrase, thirdPerson, withArticle } from "./grammar.ts";

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

function nounOf(o: ObjectFacts): string {
  return o.human && (o.cls === "human" || o.cls === "character") ? "person" : o.noun;
}

/** "garment" → "a garment"; plural garments ("trousers") take no article. */
function garment(phrase: string): string {
  return /s$/.test(phrase) ? phrase : withArticle(phrase);
}

/** An object without its article: "small red rubber ball", "person in a red shirt". */
export function objectPhrase(o: ObjectFacts, detail: Detail): string {
  const words: string[] = [];
  if (detail === "long" && o.size) words.push(o.size);
  // People are described by their clothing, never by body colour or material.
  if (detail !== "class" && o.color && !o.human) words.push(o.color);
  if ((detail === "medium" || detail === "long") && !o.human) {
    if (o.material) words.push(o.material);
    else if (o.metallic) words.push("metallic");
  }
  if (detail === "long" && o.shape && !o.noun.includes(o.shape)) words.push(o.shape);
  words.push(nounOf(o));
  let phrase = words.join(" ");
  if (o.human && o.clothing.length > 0 && (detail === "medium" || detail === "long")) {
    const clothes = detail === "long" ? o.clothing : o.clothing.slice(0, 1);
    phrase += ` wearing ${listPhrase(clothes.map(garment))}`;
  }
  return phrase;
}

/** With its article: "a red ball". */
export function objectNP(o: ObjectFacts, detail: Detail): string {
  return withArticle(objectPhrase(o, detail));
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

/** A clause for one action: "someone is pushing a red ball from left to right". */
export function actionClause(a: ActionFacts, detail: Detail, rng: Rng): string {
  const [first, ...rest] = a.subjects;
  const adverb = a.speed ? `${a.speed} ` : "";
  if (first?.human && !a.template) {
    const who = objectNP(first, detail);
    if (a.motion) {
      const move = rng.choice(["performs", "does"]);
      return `${who} ${adverb}${move} ${withArticle(a.motion.toLowerCase())}`;
    }
    return `${who} ${thirdPerson(baseVerb(a.verb))}${a.speed ? ` ${a.speed}` : ""}`;
  }
  if (a.template && first?.human && /^\[some(one|body)\]/i.test(a.template)) {
    // "[Someone] dancing an uprock": the person is the grammatical subject.
    const rest = fillTemplate(
      a.template.replace(/^\[[^\]]+\]\s*/, ""),
      a.subjects.slice(1),
      detail,
    );
    return `${objectNP(first, detail)} is ${adverb}${rest}`;
  }
  if (a.template) {
    if (first?.human && a.subjects.length > 1) {
      return `${objectNP(first, detail)} is ${adverb}${
        decapitalize(fillTemplate(a.template, rest, detail))
      }`;
    }
    const gerund = decapitalize(fillTemplate(a.template, a.subjects, detail));
    const lead = rng.choice(["someone is", "the video shows someone", "we see someone"]);
    return `${lead} ${adverb}${gerund}`;
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

/** Clauses for what happens in the clip, most important first. */
export function eventClauses(facts: ClipFacts, detail: Detail, rng: Rng): string[] {
  const out = facts.actions.map((a) => actionClause(a, detail, rng));
  const byId = new Map(facts.objects.map((o) => [o.id, o]));
  for (const m of facts.motions) out.push(motionClause(m, byId.get(m.id)!, detail, rng));
  if (out.length === 0) {
    const props = facts.objects.filter((o) => !o.surface).slice(0, 3);
    if (props.length > 0) {
      const verb = props.length === 1 ? "stays" : "stay";
      out.push(
        `${listPhrase(props.map((o) => objectNP(o, detail)))} ${verb} ${
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

/** "in a beige room", "against a sky blue background", or "". */
export function settingPhrase(s: SettingFacts, rng: Rng): string {
  if (s.type === "room") {
    const room = s.roomColor ? `${s.roomColor} room` : "room";
    return `${rng.choice(["in", "inside"])} ${withArticle(room)}`;
  }
  if (s.background) {
    return rng.choice([
      `against ${withArticle(`${s.background} background`)}`,
      `in front of ${withArticle(`plain ${s.background} background`)}`,
    ]);
  }
  return s.type === "empty" ? "in an empty scene" : "";
}

const CAMERA_VERBS: Record<Exclude<CameraFacts["move"], "static">, string> = {
  pan: "pans",
  tilt: "tilts",
  dolly: "dollies",
  truck: "trucks",
  pedestal: "pedestals",
  zoom: "zooms",
  orbit: "orbits",
  spin: "spins",
  follow: "follows",
};

function cameraDirection(c: CameraFacts): string {
  switch (c.direction) {
    case "left":
    case "right":
      return ` to the ${c.direction}`;
    case "up":
    case "down":
    case "in":
    case "out":
      return ` ${c.direction}`;
    case "clockwise":
    case "counterclockwise":
      return ` ${c.direction}`;
    default:
      return "";
  }
}

/** "The camera slowly pans to the left." without the full stop, or "". */
export function cameraClause(
  c: CameraFacts | undefined,
  subject: ObjectFacts | undefined,
  rng: Rng,
): string {
  if (!c) return "";
  const framing = c.framing ? `, framing the scene in ${withArticle(c.framing)}` : "";
  if (c.move === "static") {
    return rng.choice([
      "the camera is static",
      "the camera stays still",
      "a static camera films the scene",
    ]) +
      framing;
  }
  const speed = c.speed ? `${c.speed} ` : "";
  const verb = CAMERA_VERBS[c.move];
  const target = subject ? `the ${subject.human ? "person" : subject.noun}` : "the scene";
  if (c.move === "orbit" || c.move === "spin") {
    return `the camera ${speed}${verb}${cameraDirection(c)} around ${target}${framing}`;
  }
  if (c.move === "follow") return `the camera ${speed}follows ${target}${framing}`;
  return `the camera ${speed}${verb}${cameraDirection(c)}${framing}`;
}

/** "warm, bright light comes from the left", or "". */
export function lightClause(l: LightFacts | undefined, rng: Rng): string {
  if (!l) return "";
  const adjectives = [l.warmth, l.brightness].filter(Boolean).join(", ");
  const from = l.from === "above"
    ? "from above"
    : l.from === "front"
    ? "from the front"
    : l.from === "behind"
    ? "from behind"
    : l.from
    ? `from the ${l.from}`
    : "";
  if (!from) return `the scene is lit by ${adjectives} light`;
  const light = adjectives ? `${adjectives} light` : "light";
  return rng.choice([
    `${light} comes ${from}`,
    `the scene is lit by ${light} ${from}`,
    `${light} falls on the scene ${from}`,
  ]);
}

/** "the scene also contains a yellow box and a gray floor", or "". */
export function othersClause(others: readonly ObjectFacts[], detail: Detail, rng: Rng): string {
  if (others.length === 0) return "";
  const list = listPhrase(others.map((o) => objectNP(o, detail)));
  return rng.choice([
    `the scene also contains ${list}`,
    `${list} ${others.length === 1 ? "is" : "are"} also in the scene`,
  ]);
}
