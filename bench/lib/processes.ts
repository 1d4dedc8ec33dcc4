import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";

/** A system under test: one Node process pinned to one core. */
export interface ServerProcess {
  pid: number;
  url: string;
  output(): string;
  /** User + system CPU time the process has used, in milliseconds. */
  cpuMs(): number;
  /** Peak resident set size, in MiB. */
  peakRssMiB(): number;
  stop(): Promise<void>;
}

const CLOCK_TICKS_PER_SECOND = 100;

/**
 * Node flags for every system, the same as `npm start` uses, so every Node
 * server here is given the same setting. A larger young generation lets a
 * request's garbage die there instead of being promoted while 32 other
 * requests are in flight: 16 → 32 MiB gave +25% W1/W2 throughput, and
 * 32 → 64 MiB (2026-12-04, bench:ab, 8 rounds, an A/A beside it) W1 1.36×
 * the requests per second at 0.74× the CPU, W3 0.93× the CPU, W0 and W2
 * unchanged, for 46 MiB more peak RSS; 128 MiB measured the same as 64 on W1.
 */
export const NODE_FLAGS = ["--max-semi-space-size=64"];

/** The script of each checkout built in this process, by its absolute path: a checkout is built once per run. */
const builtScripts = new Map<string, string>();

/**
 * Inkwell as `npm start` runs it: the checkout's production build
 * (`npm run build`, dist/server.mjs), built at its first use in this
 * process, so every run measures the code it was given. A checkout from
 * before the build existed (an A/B against older code) runs its
 * src/server.ts under tsx, as its own `npm start` did.
 */
export function inkwellServerScript(dir = "."): string {
  const root = path.resolve(dir);
  let script = builtScripts.get(root);
  if (script === undefined) {
    script = buildInkwell(root);
    builtScripts.set(root, script);
  }
  return script;
}

function buildInkwell(root: string): string {
  const manifest = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { scripts?: Record<string, string> };
  if (!manifest.scripts?.build) return path.join(root, "src/server.ts");
  const built = spawnSync("npm", ["run", "-s", "build"], { cwd: root, stdio: "inherit" });
  if (built.status !== 0) throw new Error(`npm run build failed in ${root}`);
  return path.join(root, "dist/server.mjs");
}

/** Node's flags before the script: TypeScript runs under tsx; the production build with its source maps, as `npm start` runs it. */
function scriptFlags(script: string): string[] {
  if (script.endsWith(".ts")) return ["--import", "tsx"];
  return script.endsWith("dist/server.mjs") ? ["--enable-source-maps"] : [];
}

/**
 * An Inkwell to race in an A/B (`bench:ab`, `bench:credits`): another
 * checkout in `dir` (a git worktree sharing this node_modules), other
 * settings in `env`, another Node binary in `node`, or other Node flags in
 * `nodeFlags` (in place of NODE_FLAGS).
 */
export interface ServerVariant {
  name: string;
  dir?: string;
  env?: Record<string, string>;
  node?: string;
  nodeFlags?: string[];
}

export async function startServer(options: {
  script: string;
  port: number;
  env: Record<string, string>;
  /** The core (or cores, as taskset lists them: "0,1") the process and its children run on. */
  core: number | string;
  /** The Node binary; the benchmark's own (the project's pinned Node, under npm run) when absent. */
  node?: string;
  /** Node's flags; NODE_FLAGS when absent. */
  nodeFlags?: readonly string[];
  /** The directory it runs in, where `--import tsx` (for a TypeScript script) and the checkout's own files are found; the benchmark's when absent. */
  cwd?: string;
}): Promise<ServerProcess> {
  const args = ["-c", String(options.core), options.node ?? process.execPath, ...(options.nodeFlags ?? NODE_FLAGS), ...scriptFlags(options.script), options.script];
  const child: ChildProcess = spawn("taskset", args, {
    cwd: options.cwd,
    // The write limit stays on, counting, but far above what a benchmark's accounts send (W3, W6, the live fan-out).
    env: { ...process.env, RATE_LIMIT_WRITES_PER_ACCOUNT: "1000000000", ...options.env, PORT: String(options.port), HOST: "127.0.0.1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk) => (output = (output + chunk).slice(-200_000)));
  child.stderr!.on("data", (chunk) => (output = (output + chunk).slice(-200_000)));
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  const url = `http://127.0.0.1:${options.port}/graphql`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${options.script} exited: ${output}`);
    const ready = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ __typename }", operationName: null }),
    }).then((response) => response.ok, () => false);
    if (ready) break;
    if (Date.now() > deadline) throw new Error(`${options.script} did not answer within 60 s: ${output}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const pid = child.pid!;
  return {
    pid,
    url,
    output: () => output,
    cpuMs: () => treeCpuMs(pid),
    peakRssMiB: () => {
      const match = readFileSync(`/proc/${pid}/status`, "utf8").match(/VmHWM:\s+(\d+) kB/);
      return match ? Number(match[1]) / 1024 : Number.NaN;
    },
    stop: async () => {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * User + system CPU time of a process and of every process under it (a
 * cluster's workers), in milliseconds: fields 14 and 15 of /proc/<pid>/stat
 * (after the command name in parentheses), summed down the tree.
 */
function treeCpuMs(pid: number): number {
  let total = 0;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    total = ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim();
    for (const child of children ? children.split(" ") : []) total += treeCpuMs(Number(child));
  } catch {
    // A process that has just exited counts no more.
  }
  return total;
}

/** Pins processes (all their threads) to a core; returns a function that undoes it. */
export function pinProcesses(pids: number[], core: number): () => void {
  const run = (args: string[]) =>
    new Promise<void>((resolve) => spawn("taskset", args, { stdio: "ignore" }).on("exit", () => resolve()));
  for (const pid of pids) void run(["-a", "-p", "-c", String(core), String(pid)]);
  return () => {
    for (const pid of pids) void run(["-a", "-p", "-c", "0-1", String(pid)]);
  };
}
