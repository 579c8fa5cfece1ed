/**
 * Which objects a clip is about. Action plugins announce them in clipStart (the objects acted on,
 * and what acts on them: a hand, a person); randomizers read them later, e.g. the camera frames
 * them over the whole clip. Kept in `ctx.shared` so plugins need not know each other.
 */
import type { ClipContext, Options } from "./contract.ts";

export interface Actors {
  /** Instance ids of the objects an action is about, main subject first. */
  subjects: number[];
  /** Instance ids of what acts on them (hands, people). */
  agents: number[];
}

const SHARED_KEY = "actors";

/** Adds an action's subjects and agents to the clip's actors (several actions may announce). */
export function announceActors<O extends Options>(
  ctx: ClipContext<O>,
  subjects: readonly number[],
  agents: readonly number[] = [],
): void {
  const actors = actorsOf(ctx);
  for (const id of subjects) if (!actors.subjects.includes(id)) actors.subjects.push(id);
  for (const id of agents) if (!actors.agents.includes(id)) actors.agents.push(id);
  ctx.shared.set(SHARED_KEY, actors);
}

/** The clip's actors so far (empty lists when no action announced any). */
export function actorsOf<O extends Options>(ctx: ClipContext<O>): Actors {
  const known = ctx.shared.get(SHARED_KEY) as Actors | undefined;
  return known ?? { subjects: [], agents: [] };
}
