/**
 * Option schemas and samplers. A schema is usually derived from a plugin's
 * `defaults`: the default's type is the option's type. Any number, vector or
 * choice may be given as a sampler and is drawn per clip:
 *   [min, max]                       uniform (vectors: [[min…], [max…]])
 *   { normal: [mean, sigma] }        gaussian
 *   { choice: [a, b, …], weights? }  one of the listed values
 */
import { parseHexColor } from "../scene/color.ts";
import type { OptionLimit, Options, OptionValue } from "./contract.ts";
import type { Rng } from "../scene/rng.ts";

export type Schema =
  | { type: "number"; limit?: OptionLimit; sampled?: boolean }
  | { type: "string"; limit?: OptionLimit; sampled?: boolean }
  | { type: "boolean"; sampled?: boolean }
  | { type: "vector"; length: number; color?: boolean; sampled?: boolean }
  | { type: "list"; items: Schema }
  | { type: "object"; fields: Record<string, Schema>; required?: string[]; open?: boolean }
  | { type: "any" };

/** One problem found in a value, located by its key path. */
export interface Issue {
  path: (string | number)[];
  message: string;
  /** Path of the key itself (for unknown keys), so the error points at the key. */
  atKey?: boolean;
}

export function schemaFromDefaults(
  defaults: Options,
  limits: Record<string, OptionLimit | undefined> = {},
): Schema {
  const fields: Record<string, Schema> = {};
  for (const [key, value] of Object.entries(defaults)) {
    fields[key] = schemaOf(value, limits[key], key);
  }
  return { type: "object", fields };
}

function schemaOf(value: OptionValue, limit: OptionLimit | undefined, key: string): Schema {
  if (typeof value === "number") return { type: "number", limit, sampled: true };
  if (typeof value === "string") return { type: "string", limit, sampled: true };
  if (typeof value === "boolean") return { type: "boolean", sampled: true };
  if (value === null) return { type: "any" };
  if (Array.isArray(value)) {
    if (value.length > 0 && value.every((v) => typeof v === "number")) {
      return { type: "vector", length: value.length, color: /colou?r/i.test(key), sampled: true };
    }
    return {
      type: "list",
      items: value.length > 0 ? schemaOf(value[0], undefined, key) : { type: "any" },
    };
  }
  const fields: Record<string, Schema> = {};
  for (const [k, v] of Object.entries(value as Record<string, OptionValue>)) {
    fields[k] = schemaOf(v, undefined, k);
  }
  return { type: "object", fields };
}

const describe = (v: unknown): string =>
  v === null
    ? "null"
    : Array.isArray(v)
    ? `a list of ${v.length}`
    : typeof v === "object"
    ? "a map"
    : `${typeof v} ${JSON.stringify(v)}`;

/** Checks `value` against `schema`; returns every issue found (not just the first). */
export function validate(schema: Schema, value: unknown, path: (string | number)[] = []): Issue[] {
  const issues: Issue[] = [];
  const fail = (message: string, at = path) => issues.push({ path: at, message });
  switch (schema.type) {
    case "any":
      break;
    case "number": {
      if (schema.sampled && isSampler(value)) {
        return validateSampler(
          value,
          (v, p) => validate({ ...schema, sampled: false }, v, p),
          path,
          "number",
        );
      }
      if (schema.sampled && isRange(value)) {
        const [a, b] = value as number[];
        if (a > b) fail(`range [${a}, ${b}] has min > max`);
        issues.push(
          ...validate({ ...schema, sampled: false }, a, path),
          ...validate({ ...schema, sampled: false }, b, path),
        );
        break;
      }
      if (typeof value !== "number" || !Number.isFinite(value)) {
        fail(
          `expected a number${
            schema.sampled ? " or a sampler ([min, max], {normal}, {choice})" : ""
          }, got ${describe(value)}`,
        );
        break;
      }
      const l = schema.limit;
      if (l?.integer && !Number.isInteger(value)) fail(`expected an integer, got ${value}`);
      if (l?.min !== undefined && value < l.min) fail(`expected ≥ ${l.min}, got ${value}`);
      if (l?.max !== undefined && value > l.max) fail(`expected ≤ ${l.max}, got ${value}`);
      break;
    }
    case "string": {
      if (schema.sampled && isSampler(value)) {
        return validateSampler(
          value,
          (v, p) => validate({ ...schema, sampled: false }, v, p),
          path,
          "string",
        );
      }
      if (typeof value !== "string") {
        fail(`expected a string, got ${describe(value)}`);
        break;
      }
      const oneOf = schema.limit?.oneOf;
      if (oneOf && !oneOf.includes(value)) {
        fail(
          `expected one of ${oneOf.map((s) => `"${s}"`).join(", ")}, got "${value}"${
            didYouMean(value, oneOf)
          }`,
        );
      }
      break;
    }
    case "boolean":
      if (schema.sampled && isSampler(value)) {
        return validateSampler(
          value,
          (v, p) => validate({ type: "boolean" }, v, p),
          path,
          "boolean",
        );
      }
      if (typeof value !== "boolean") fail(`expected true or false, got ${describe(value)}`);
      break;
    case "vector": {
      const plain = { ...schema, sampled: false };
      if (schema.sampled && isSampler(value)) {
        return validateSampler(
          value,
          (v, p) => validate(plain, v, p),
          path,
          "vector",
        );
      }
      if (schema.color && typeof value === "string") {
        if (!parseHexColor(value)) fail(`expected a colour "#rrggbb" or [r, g, b], got "${value}"`);
        break;
      }
      if (
        schema.sampled && Array.isArray(value) && value.length === 2 && value.every(Array.isArray)
      ) {
        issues.push(
          ...validate(plain, value[0], [...path, 0]),
          ...validate(plain, value[1], [...path, 1]),
        );
        break;
      }
      const n = schema.length;
      if (
        schema.sampled && Array.isArray(value) && value.length === n &&
        value.some((v) => typeof v !== "number")
      ) {
        // per-component samplers: [0, [0, 90], 0]
        value.forEach((v, i) =>
          issues.push(...validate({ type: "number", sampled: true }, v, [...path, i]))
        );
        break;
      }
      const okLength = Array.isArray(value) &&
        (value.length === n || (schema.color && n === 3 && value.length === 4));
      if (
        !okLength || !(value as unknown[]).every((v) => typeof v === "number" && Number.isFinite(v))
      ) {
        fail(
          `expected ${n} numbers${schema.color ? ' or "#rrggbb"' : ""}${
            schema.sampled ? " (or [[min…], [max…]])" : ""
          }, got ${describe(value)}`,
        );
      } else if (schema.color && (value as number[]).some((v) => v < 0 || v > 1)) {
        fail(`colour components are sRGB values from 0 to 1, got ${JSON.stringify(value)}`);
      }
      break;
    }
    case "list":
      if (!Array.isArray(value)) {
        fail(`expected a list, got ${describe(value)}`);
        break;
      }
      value.forEach((item, i) => issues.push(...validate(schema.items, item, [...path, i])));
      break;
    case "object": {
      if (value === null || typeof value !== "object" || Array.isArray(value)) {
        fail(`expected a map, got ${describe(value)}`);
        break;
      }
      const known = Object.keys(schema.fields);
      for (const [key, v] of Object.entries(value)) {
        const field = schema.fields[key];
        if (!field) {
          if (!schema.open) {
            issues.push({
              path: [...path, key],
              atKey: true,
              message: `unknown key "${key}"${didYouMean(key, known)}`,
            });
          }
          continue;
        }
        issues.push(...validate(field, v, [...path, key]));
      }
      for (const key of schema.required ?? []) {
        if (!(key in value)) fail(`missing required key "${key}"`);
      }
    }
  }
  return issues;
}

function validateSampler(
  value: Record<string, unknown>,
  check: (v: unknown, path: (string | number)[]) => Issue[],
  path: (string | number)[],
  what: string,
): Issue[] {
  const keys = Object.keys(value);
  const issues: Issue[] = [];
  if ("normal" in value) {
    const p = value.normal;
    if (!Array.isArray(p) || p.length !== 2) {
      return [{ path: [...path, "normal"], message: `expected [mean, sigma], got ${describe(p)}` }];
    }
    if (what === "number" && (typeof p[0] !== "number" || typeof p[1] !== "number" || p[1] < 0)) {
      return [{
        path: [...path, "normal"],
        message: "expected numbers [mean, sigma] with sigma ≥ 0",
      }];
    }
    if (what !== "number" && what !== "vector") {
      return [{
        path: [...path, "normal"],
        message: `a ${what} option cannot be drawn from a normal`,
      }];
    }
  } else if ("choice" in value) {
    const items = value.choice;
    if (!Array.isArray(items) || items.length === 0) {
      return [{ path: [...path, "choice"], message: "expected a non-empty list of values" }];
    }
    items.forEach((item, i) => issues.push(...check(item, [...path, "choice", i])));
    const weights = value.weights;
    if (weights !== undefined) {
      if (
        !Array.isArray(weights) || weights.length !== items.length ||
        !weights.every((w) => typeof w === "number" && w >= 0)
      ) {
        issues.push({
          path: [...path, "weights"],
          message: `expected ${items.length} non-negative numbers, got ${describe(weights)}`,
        });
      }
    }
  }
  for (const key of keys) {
    if (!["normal", "choice", "weights"].includes(key)) {
      issues.push({
        path: [...path, key],
        atKey: true,
        message: `unknown sampler key "${key}"${didYouMean(key, ["normal", "choice", "weights"])}`,
      });
    }
  }
  return issues;
}

function isSampler(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value) &&
    ("normal" in value || "choice" in value);
}

function isRange(value: unknown): boolean {
  return Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === "number");
}

/** Draws a concrete value for a validated option. Draw order is fixed by the schema's key order. */
export function sample(schema: Schema, value: unknown, rng: Rng): unknown {
  switch (schema.type) {
    case "number":
      if (isSampler(value)) return drawSampler(value, rng, (v) => v);
      if (schema.sampled && isRange(value)) {
        const [a, b] = value as number[];
        return schema.limit?.integer ? rng.int(a, b) : rng.uniform(a, b);
      }
      return value;
    case "string":
    case "boolean":
      return isSampler(value) ? drawSampler(value, rng, (v) => v) : value;
    case "vector": {
      const toVector = (v: unknown) => typeof v === "string" ? parseHexColor(v) : v;
      if (isSampler(value)) {
        if ("normal" in value) {
          const [mu, sigma] = value.normal as [number[] | number, number[] | number];
          return Array.from(
            { length: schema.length },
            (_, i) =>
              rng.normal(Array.isArray(mu) ? mu[i] : mu, Array.isArray(sigma) ? sigma[i] : sigma),
          );
        }
        return toVector(drawSampler(value, rng, (v) => v));
      }
      if (Array.isArray(value) && value.length === 2 && value.every(Array.isArray)) {
        const [lo, hi] = value.map(toVector) as number[][];
        return lo.map((a, i) => rng.uniform(a, hi[i]));
      }
      if (Array.isArray(value) && value.some((v) => typeof v !== "number")) {
        return value.map((v) => sample({ type: "number", sampled: true }, v, rng));
      }
      return toVector(value);
    }
    case "list":
      return (value as unknown[]).map((item) => sample(schema.items, item, rng));
    case "object": {
      const out: Record<string, unknown> = {};
      const given = value as Record<string, unknown>;
      for (const key of Object.keys(given)) {
        const field = schema.fields[key];
        out[key] = field ? sample(field, given[key], rng) : given[key];
      }
      return out;
    }
    case "any":
      return value;
  }
}

function drawSampler(
  value: Record<string, unknown>,
  rng: Rng,
  map: (v: unknown) => unknown,
): unknown {
  if ("normal" in value) {
    const [mu, sigma] = value.normal as [number, number];
    return rng.normal(mu, sigma);
  }
  const items = value.choice as unknown[];
  return map(rng.choice(items, value.weights as number[] | undefined));
}

/** Merges user options over defaults (nested maps merged key by key). */
export function withDefaults(
  defaults: Options,
  given: Record<string, unknown> = {},
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...defaults };
  for (const [key, value] of Object.entries(given)) {
    const d = defaults[key];
    const plainMap = (v: unknown) =>
      v !== null && typeof v === "object" && !Array.isArray(v) && !isSampler(v);
    out[key] = plainMap(d) && plainMap(value)
      ? withDefaults(d as Options, value as Record<string, unknown>)
      : value;
  }
  return out;
}

/** ` (did you mean "x"?)` for the closest candidate within a small edit distance. */
export function didYouMean(word: string, candidates: readonly string[]): string {
  let best = "";
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  const limit = Math.max(1, Math.floor(word.length / 3));
  return bestDistance <= limit ? ` (did you mean "${best}"?)` : "";
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}
