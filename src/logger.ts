import type { LogLevel } from "./config.js";

/** One JSON object per line on stdout, so logs can be shipped and queried as they are. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /** A logger whose every line carries `fields` (a request's id, say). */
  child(fields: Record<string, unknown>): Logger;
}

const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export function createLogger(level: LogLevel, write: (line: string) => void = (line) => process.stdout.write(line)): Logger {
  return new LineLogger(rank[level], write, undefined);
}

/**
 * Methods on a prototype, and a child that only keeps its fields: every
 * request makes one (src/context.ts), so making one costs an object, not a
 * set of closures, and a line below the level costs a comparison.
 */
class LineLogger implements Logger {
  constructor(
    private readonly threshold: number,
    private readonly write: (line: string) => void,
    private readonly base: Record<string, unknown> | undefined,
  ) {}

  debug(message: string, fields?: Record<string, unknown>): void {
    this.emit("debug", message, fields);
  }

  info(message: string, fields?: Record<string, unknown>): void {
    this.emit("info", message, fields);
  }

  warn(message: string, fields?: Record<string, unknown>): void {
    this.emit("warn", message, fields);
  }

  error(message: string, fields?: Record<string, unknown>): void {
    this.emit("error", message, fields);
  }

  child(fields: Record<string, unknown>): Logger {
    return new LineLogger(this.threshold, this.write, { ...this.base, ...fields });
  }

  private emit(at: Exclude<LogLevel, "silent">, message: string, fields: Record<string, unknown> | undefined): void {
    if (rank[at] < this.threshold) return;
    this.write(`${JSON.stringify({ time: new Date().toISOString(), level: at, message, ...this.base, ...fields }, jsonReplacer)}\n`);
  }
}

function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  return value;
}
