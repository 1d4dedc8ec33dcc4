import { runLoad } from "./load.js";
import type { Round, RoundSettings } from "./rounds.js";
import { startServer, type ServerProcess } from "./processes.js";
import type { Bodies } from "./inputs.js";
import { startWireCounter } from "./wire-counter.js";
import { normalize, type DatasetName, type Dialect, type WorkloadName } from "./workloads.js";

export interface MeasureSettings extends RoundSettings {
  latencySeconds: number;
  countRequests: number;
  serverCore: number;
}

export interface Measurement {
  system: string;
  dataset: DatasetName;
  workload: WorkloadName;
  /** Its windows of the interleaved rounds, aligned with every other system's of the same workload. */
  rounds: Round[];
  /** Medians over the rounds. */
  rps: number;
  /** At a fixed rate of half the ceiling's throughput; null when the system saturates below that rate. */
  p50: number | null;
  p99: number | null;
  /** At a fixed rate of half the system's own saturation throughput. */
  ownP50: number;
  ownP99: number;
  cpuMsPerRequest: number;
  peakRssMiB: number;
  statementsPerRequest: number | null;
  failures: number;
}

/** A system under test: a server script, what it serves, and how it is configured for a database. */
export interface System {
  name: string;
  dialect: Dialect;
  script: string;
  /** The workloads it serves, per data set. */
  workloads: Partial<Record<DatasetName, WorkloadName[]>>;
  env: (databaseUrl: string) => Record<string, string>;
  /** Its own cursors, read from itself ("self"), or plain id cursors. */
  cursors: "self" | "ids";
  /** Counted from the server's own log (PGlite has no wire to listen on). */
  embedded?: boolean;
}

/**
 * Statements per request on the wire: the system runs behind the counting
 * proxy, answers a few requests of each workload one at a time, and the
 * count is divided by the number of requests. The same requests check that
 * the answers equal the reference system's (the first to answer).
 */
export async function countStatements(
  system: System,
  databaseUrl: string,
  workloads: WorkloadName[],
  bodies: Bodies,
  reference: Map<string, unknown>,
  dataset: DatasetName,
  settings: MeasureSettings,
): Promise<Map<WorkloadName, number>> {
  const counts = new Map<WorkloadName, number>();
  const target = new URL(databaseUrl);
  const counter = await startWireCounter({ host: target.hostname, port: Number(target.port || 5432) });
  const proxied = new URL(databaseUrl);
  proxied.port = String(counter.port);
  // Counting needs the per-request log lines of the embedded database, and is never timed.
  const env = { ...system.env(proxied.toString()), ...(system.embedded ? { LOG_LEVEL: "info", DB_COUNT_STATEMENTS: "true" } : {}) };
  const server = await startServer({ script: system.script, port: 4302, env, core: settings.serverCore });
  try {
    for (const workload of workloads) {
      const { next, headers } = bodies[workload]!;
      const post = async (body: string) => {
        const response = await fetch(server.url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
        return response.json();
      };
      await post(next()); // warm: first-use work (plan caches, prepared statements) is not per request
      const before = system.embedded ? embeddedStatements(server) : counter.statements();
      for (let i = 0; i < settings.countRequests; i += 1) {
        const answer = normalize(workload, system.dialect, await post(next()));
        const key = `${dataset}:${workload}:${i}`;
        if (!reference.has(key)) reference.set(key, answer);
        else if (JSON.stringify(reference.get(key)) !== JSON.stringify(answer)) {
          throw new Error(
            `${system.name} answered ${dataset} ${workload} request ${i} differently:\n${JSON.stringify(answer).slice(0, 600)}\n` +
              `expected:\n${JSON.stringify(reference.get(key)).slice(0, 600)}`,
          );
        }
      }
      const after = system.embedded ? embeddedStatements(server) : counter.statements();
      counts.set(workload, Math.round(((after - before) / settings.countRequests) * 10) / 10);
    }
  } finally {
    await server.stop();
    await counter.close();
  }
  return counts;
}

/** Inkwell's own per-operation count (recorded at the driver adapter), summed from its log. */
function embeddedStatements(server: ServerProcess): number {
  return [...server.output().matchAll(/"sqlStatements":(\d+)/g)].reduce((sum, match) => sum + Number(match[1]), 0);
}

/** Latency at a fixed arrival rate, on a running server; null when the rate is above what it sustains. */
export async function latencyAt(
  server: ServerProcess,
  body: { next: () => string; headers?: Record<string, string> },
  rate: number,
  sustainedRps: number,
  settings: MeasureSettings,
): Promise<{ p50: number; p99: number; failures: number } | null> {
  if (rate > sustainedRps) return null;
  const run = await runLoad({
    url: server.url,
    nextBody: body.next,
    headers: body.headers,
    durationSeconds: settings.latencySeconds,
    connections: settings.connections,
    overallRate: rate,
  });
  return { p50: run.p50, p99: run.p99, failures: run.non2xx + run.errors };
}
