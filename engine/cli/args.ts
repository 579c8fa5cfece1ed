/** A strict command-line parser: unknown flags and bad values are errors, never ignored. */

export class UsageError extends Error {
  override name = "UsageError";
}

export interface FlagSpec {
  type: "string" | "integer" | "boolean" | "size" | "list";
  description: string;
}

export type Parsed =
  & Record<string, string | number | boolean | [number, number] | number[] | undefined>
  & {
    _: string[];
  };

export function parseArgs(argv: readonly string[], flags: Record<string, FlagSpec>): Parsed {
  const out: Parsed = { _: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith("--")) {
      out._.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2);
    const spec = flags[name];
    if (!spec) {
      const known = Object.keys(flags).map((f) => `--${f}`).join(", ");
      throw new UsageError(`Unknown flag --${name} (known: ${known})`);
    }
    if (spec.type === "boolean") {
      if (inline !== undefined) throw new UsageError(`--${name} takes no value`);
      out[name] = true;
      continue;
    }
    const raw = inline ?? argv[++i];
    if (raw === undefined || (inline === undefined && raw.startsWith("--"))) {
      throw new UsageError(`--${name} needs a value`);
    }
    out[name] = convert(name, spec, raw);
  }
  return out;
}

function convert(name: string, spec: FlagSpec, raw: string) {
  switch (spec.type) {
    case "string":
      return raw;
    case "integer": {
      if (!/^\d+$/.test(raw)) {
        throw new UsageError(`--${name} expects a non-negative integer, got "${raw}"`);
      }
      return Number(raw);
    }
    case "size": {
      const m = /^(\d+)x(\d+)$/.exec(raw);
      const w = Number(m?.[1]);
      const h = Number(m?.[2]);
      if (!m || w < 1 || h < 1 || w > 8192 || h > 8192) {
        throw new UsageError(`--${name} expects WIDTHxHEIGHT (e.g. 256x256), got "${raw}"`);
      }
      return [w, h] as [number, number];
    }
    case "list": {
      const items = raw.split(",").map((s) => s.trim());
      if (!items.every((s) => /^\d+$/.test(s))) {
        throw new UsageError(`--${name} expects comma-separated integers, got "${raw}"`);
      }
      return items.map(Number);
    }
    default:
      return raw;
  }
}

export function usage(command: string, summary: string, flags: Record<string, FlagSpec>): string {
  const rows = Object.entries(flags).map(([name, spec]) => {
    const value = spec.type === "boolean"
      ? ""
      : spec.type === "size"
      ? " WxH"
      : spec.type === "list"
      ? " I,J,…"
      : spec.type === "integer"
      ? " N"
      : " VALUE";
    return `  --${(name + value).padEnd(22)} ${spec.description}`;
  });
  return `${summary}\n\nUsage: ${command} [flags]\n\n${rows.join("\n")}\n`;
}

export interface Command {
  /** As the user types it, e.g. "deno task pack DIR". */
  name: string;
  summary: string;
  flags: Record<string, FlagSpec>;
  /** More checks of the parsed flags (skipped for --help); throw UsageError. */
  check?(args: Parsed): void;
}

/**
 * Parses a command's arguments the same way for every command: `--help` prints the usage (exit
 * code 0); a UsageError from parsing or from `check` prints the error and the usage (exit code 2).
 * Returns the parsed flags, or the exit code to return when there is nothing more to do.
 */
export function parseCommandLine(argv: readonly string[], command: Command): Parsed | number {
  let args: Parsed;
  try {
    args = parseArgs(argv, command.flags);
    if (!args.help) command.check?.(args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`error: ${error.message}\n\n${usage(command.name, "", command.flags).trim()}`);
    return 2;
  }
  if (args.help) {
    console.log(usage(command.name, command.summary, command.flags));
    return 0;
  }
  return args;
}
