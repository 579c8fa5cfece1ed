/** The object actions in registry order (one file per action). */
import type { ObjectActionPlugin } from "./object_action.ts";
import pushLeftToRight from "./push_left_to_right.ts";
import pushRightToLeft from "./push_right_to_left.ts";
import pullToward from "./pull_toward.ts";
import pushAway from "./push_away.ts";
import drop from "./drop.ts";
import pickUp from "./pick_up.ts";
import putDown from "./put_down.ts";
import roll from "./roll.ts";
import slide from "./slide.ts";
import spin from "./spin.ts";
import topple from "./topple.ts";
import throwIt from "./throw.ts";
import moveCloser from "./move_closer.ts";
import moveApart from "./move_apart.ts";
import stack from "./stack.ts";
import tilt from "./tilt.ts";

// deno-lint-ignore no-explicit-any
export const objectActionPlugins: readonly ObjectActionPlugin<any>[] = [
  pushLeftToRight,
  pushRightToLeft,
  pullToward,
  pushAway,
  drop,
  pickUp,
  putDown,
  roll,
  slide,
  spin,
  topple,
  throwIt,
  moveCloser,
  moveApart,
  stack,
  tilt,
];
