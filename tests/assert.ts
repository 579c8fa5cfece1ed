/** Small assertion helpers (node:assert does not type-check without @types/node, JSR is unreachable). */

export class AssertionError extends Error {
  override name = "AssertionError";
}

export function assert(condition: unknown, message = "Assertion failed"): asserts condition {
  if (!condition) throw new AssertionError(message);
}

export function assertEquals<T>(actual: T, expected: T, message?: string): void {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) {
    throw new AssertionError(`${message ? message + ": " : ""}expected ${e}, got ${a}`);
  }
}

export function assertAlmostEquals(
  actual: number,
  expected: number,
  tolerance = 1e-7,
  message?: string,
): void {
  if (!(Math.abs(actual - expected) <= tolerance)) {
    throw new AssertionError(
      `${message ? message + ": " : ""}expected ${expected} ± ${tolerance}, got ${actual}`,
    );
  }
}

export function assertThrows(fn: () => unknown, includes?: string): Error {
  try {
    fn();
  } catch (error) {
    const e = error as Error;
    if (includes && !String(e.message).includes(includes)) {
      throw new AssertionError(`expected error containing "${includes}", got "${e.message}"`);
    }
    return e;
  }
  throw new AssertionError("expected function to throw");
}

export async function assertRejects(fn: () => Promise<unknown>, includes?: string): Promise<Error> {
  try {
    await fn();
  } catch (error) {
    const e = error as Error;
    if (includes && !String(e.message).includes(includes)) {
      throw new AssertionError(`expected error containing "${includes}", got "${e.message}"`);
    }
    return e;
  }
  throw new AssertionError("expected promise to reject");
}
