/** The motion library by name. */
import type { Motion } from "./motion.ts";
import { jump, run, turnAround, walk } from "./motions_locomotion.ts";
import { clap, kick, squat, wave } from "./motions_gestures.ts";
import { fallOver, sitDown, standUp } from "./motions_transitions.ts";
import { freeze, spin, uprock } from "./motions_dance.ts";

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
    .map((m) => [m.name, m]),
);

export const MOTION_NAMES = Object.keys(MOTIONS);

/** Motions that begin seated on a stool (the actor adds the stool). */
export const STARTS_SEATED = new Set(["stand_up"]);
/** Motions that end seated on a stool. */
export const ENDS_SEATED = new Set(["sit_down"]);
