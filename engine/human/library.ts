/** The motion library by name. */
import type { Motion } from "./motion.ts";
import { bothHands, type HandShapeName } from "./hands.ts";
import { jump, run, turnAround, walk } from "./motions_locomotion.ts";
import { clap, kick, squat, wave } from "./motions_gestures.ts";
import { fallOver, sitDown, standUp } from "./motions_transitions.ts";
import { freeze, spin, uprock } from "./motions_dance.ts";

/** How each motion holds its hands (relaxed when not listed). */
const HANDS: Record<string, HandShapeName> = {
  wave: "open",
  clap: "open",
  fall_over: "open",
  freeze: "open",
  run: "fist",
  kick: "fist",
  uprock: "fist",
  jump: "open",
};

/** `m` with its hand shape on every frame that has none of its own. */
function withHands(m: Motion): Motion {
  const name = HANDS[m.name];
  if (!name) return m;
  const hands = bothHands(name);
  return { ...m, sample: (t, p) => ({ hands, ...m.sample(t, p) }) };
}

export const MOTIONS: Readonly<Record<string, Motion>> = Object.fromEntries(
  [
    walk,
    run,
    jump,
    wave,
    squat,
    sitDown,
    standUp,
    fallOver,
    turnAround,
    kick,
    clap,
    uprock,
    spin,
    freeze,
  ]
    .map((m) => [m.name, withHands(m)]),
);

export const MOTION_NAMES = Object.keys(MOTIONS);

/** Motions that begin seated on a stool (the actor adds the stool). */
export const STARTS_SEATED = new Set(["stand_up"]);
/** Motions that end seated on a stool. */
export const ENDS_SEATED = new Set(["sit_down"]);
