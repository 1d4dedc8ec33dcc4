import { median, runLoad } from "./load.js";
import type { ServerProcess } from "./processes.js";

/** One system's share of a round: one closed-loop window of load. */
export interface Round {
  rps: number;
  cpuMsPerRequest: number;
  failures: number;
}

/** A running system and the requests it is sent. */
export interface Contender {
  server: ServerProcess;
  next: () => string;
  headers?: Record<string, string>;
}

export interface RoundSettings {
  rounds: number;
  windowSeconds: number;
  warmupSeconds: number;
  connections: number;
}

/**
 * Interleaved rounds: every contender is already running (pinned to the same
 * core), and the load moves from one to the next in short windows, round
 * after round, each round starting one contender later so none always
 * follows another. These machines are shared and noisy (the same server's
 * CPU per request can double from one minute to the next); a slowdown hits
 * every contender of a round alike, so the ratio within a round holds where
 * numbers from different minutes do not. Returns each contender's rounds,
 * index-aligned: `result[i][r]` is contender i in round r.
 */
export async function interleavedRounds(contenders: Contender[], settings: RoundSettings): Promise<Round[][]> {
  const window = (contender: Contender, durationSeconds: number) =>
    runLoad({ url: contender.server.url, nextBody: contender.next, headers: contender.headers, durationSeconds, connections: settings.connections });
  for (const contender of contenders) await window(contender, settings.warmupSeconds);
  const rounds: Round[][] = contenders.map(() => []);
  for (let round = 0; round < settings.rounds; round += 1) {
    for (let k = 0; k < contenders.length; k += 1) {
      const i = (round + k) % contenders.length;
      const contender = contenders[i]!;
      const before = contender.server.cpuMs();
      const result = await window(contender, settings.windowSeconds);
      rounds[i]!.push({
        rps: result.requestsPerSecond,
        cpuMsPerRequest: (contender.server.cpuMs() - before) / Math.max(1, result.requests),
        failures: result.non2xx + result.errors,
      });
    }
  }
  return rounds;
}

/** A ratio as the median of per-round ratios, with the spread of the middle half of the rounds. */
export interface RoundRatio {
  median: number;
  low: number;
  high: number;
}

/** Per round, a over b; b may be several contenders combined per round (the faster of two peers, say). */
export function roundRatio(a: number[], b: number[]): RoundRatio | undefined {
  if (!a.length || a.length !== b.length) return undefined;
  const ratios = a.map((value, round) => value / b[round]!).sort((x, y) => x - y);
  const at = (q: number) => ratios[Math.min(ratios.length - 1, Math.max(0, Math.round(q * (ratios.length - 1))))]!;
  return { median: median(ratios), low: at(0.25), high: at(0.75) };
}
