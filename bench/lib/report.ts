import type { Measurement } from "./measure.js";
import { roundRatio, type RoundRatio } from "./rounds.js";
import { WORKLOADS, type DatasetName, type WorkloadName } from "./workloads.js";

export interface RunFacts {
  cores: number;
  cpu: string;
  memoryGiB: number;
  node: string;
  postgres: string;
  date: string;
}

export interface ReportContext {
  facts: RunFacts;
  setup: string;
  datasets: Record<DatasetName, string>;
  plans: string[];
  seconds: number;
}

/** The peers' names in the report, by the dialect they speak. */
export const PEERS = { postgraphile: "postgraphile 4", postgraphile5: "postgraphile 5" } as const;
const PEER_NAMES = Object.values(PEERS);

/**
 * Yoga and graphql-js over the ceiling's statements (bench/systems/yoga-floor.ts):
 * the least a server on Inkwell's framework can spend on each answer.
 */
export const FRAMEWORK_FLOOR = "yoga floor";

const fmt = (value: number | null) => (value === null ? "sat." : value.toFixed(1));
const times = (a: number | undefined | null, b: number | undefined | null) => (a && b ? a / b : undefined);
const ratio = (value: number | undefined) => (value === undefined ? "n/a" : `${value.toFixed(2)}×`);
const spread = (value: RoundRatio | undefined) =>
  value === undefined ? "n/a" : `${value.median.toFixed(2)}× (${value.low.toFixed(2)}–${value.high.toFixed(2)})`;
const label = (dataset: DatasetName, workload: WorkloadName) => (dataset === "deep" ? `${workload} deep` : workload);

const COLUMNS: [DatasetName, WorkloadName][] = [
  ["standard", "W0"],
  ["standard", "W1"],
  ["standard", "W2"],
  ["standard", "W3"],
  ["deep", "W1"],
  ["deep", "W4"],
  ["deep", "W5"],
];

type Metric = "rps" | "cpuMsPerRequest";

/**
 * A target of issue 17: a per-round ratio against a goal, measured for
 * Inkwell and, where it is a race against the peers, for the framework
 * floor in Inkwell's place, since a goal the floor misses is out of reach of
 * any server built on Yoga and graphql-js.
 */
interface Target {
  name: string;
  value: RoundRatio | undefined;
  floor: RoundRatio | undefined;
  goal: number;
  kind: "min" | "max";
}

/**
 * The report: every measurement, the ratios between systems as medians of
 * per-round ratios, and each target of issue 17 met or not.
 */
export function renderReport(results: Measurement[], context: ReportContext, w6: { inkwellToCeiling: RoundRatio | undefined }): string {
  const get = (system: string, dataset: DatasetName, workload: WorkloadName) =>
    results.find((r) => r.system === system && r.dataset === dataset && r.workload === workload);
  const series = (system: string, dataset: DatasetName, workload: WorkloadName, metric: Metric) =>
    get(system, dataset, workload)?.rounds.map((round) => (metric === "rps" ? round.rps : round.cpuMsPerRequest));
  /** Per round, the best of the two PostGraphiles: the higher throughput, or the lower CPU per request. */
  const fasterPeer = (dataset: DatasetName, workload: WorkloadName, metric: Metric) => {
    const peers = PEER_NAMES.map((peer) => series(peer, dataset, workload, metric)).filter((values) => values !== undefined);
    if (peers.length !== PEER_NAMES.length) return undefined;
    return peers[0]!.map((_, round) => (metric === "rps" ? Math.max : Math.min)(...peers.map((values) => values[round]!)));
  };
  const versus = (a: string, b: string, dataset: DatasetName, workload: WorkloadName, metric: Metric = "rps") => {
    const mine = series(a, dataset, workload, metric);
    const theirs = b === "faster postgraphile" ? fasterPeer(dataset, workload, metric) : series(b, dataset, workload, metric);
    return mine && theirs ? roundRatio(mine, theirs) : undefined;
  };
  const baseline = (r: Measurement) =>
    r.workload === "W0" ? get("floor", r.dataset, "W0")?.rps : get("ceiling", r.dataset, r.workload)?.rps;

  const raced = (name: string, peer: string, dataset: DatasetName, workload: WorkloadName, metric: Metric = "rps") => ({
    name,
    value: versus("inkwell", peer, dataset, workload, metric),
    floor: versus(FRAMEWORK_FLOOR, peer, dataset, workload, metric),
  });
  const targets: Target[] = [
    { ...raced("W0: Inkwell / PostGraphile 4, req/s", PEERS.postgraphile, "standard", "W0"), goal: 0.7, kind: "min" },
    ...(
      [
        ["standard", "W1"],
        ["deep", "W1"],
        ["deep", "W4"],
        ["deep", "W5"],
      ] as const
    ).flatMap(([dataset, workload]): Target[] => [
      { ...raced(`${label(dataset, workload)}: Inkwell / faster PostGraphile, req/s`, "faster postgraphile", dataset, workload), goal: 1.2, kind: "min" },
      {
        ...raced(`${label(dataset, workload)}: Inkwell / leaner PostGraphile, CPU ms/req`, "faster postgraphile", dataset, workload, "cpuMsPerRequest"),
        goal: 0.85,
        kind: "max",
      },
    ]),
    { ...raced("W2: Inkwell / faster PostGraphile, req/s", "faster postgraphile", "standard", "W2"), goal: 1.5, kind: "min" },
    { name: "W3: Inkwell / naive, req/s", value: versus("inkwell", "naive", "standard", "W3"), floor: undefined, goal: 1, kind: "min" },
    { name: "W6: Inkwell / its ceiling, transfers/s", value: w6.inkwellToCeiling, floor: undefined, goal: 0.6, kind: "min" },
  ];
  const systems = [...new Set(results.map((r) => r.system))];
  const ratioRows: [string, string, string, Metric][] = [
    ["Inkwell / ceiling", "inkwell", "ceiling", "rps"],
    ["Inkwell / naive", "inkwell", "naive", "rps"],
    ["Inkwell / PostGraphile 4", "inkwell", PEERS.postgraphile, "rps"],
    ["Inkwell / PostGraphile 5", "inkwell", PEERS.postgraphile5, "rps"],
    ["PostGraphile 5 / 4", PEERS.postgraphile5, PEERS.postgraphile, "rps"],
    ["Inkwell / framework floor", "inkwell", FRAMEWORK_FLOOR, "rps"],
    ["Inkwell PGlite / PostgreSQL", "inkwell (PGlite)", "inkwell", "rps"],
    ["CPU ms/req: Inkwell / PostGraphile 4", "inkwell", PEERS.postgraphile, "cpuMsPerRequest"],
    ["CPU ms/req: Inkwell / PostGraphile 5", "inkwell", PEERS.postgraphile5, "cpuMsPerRequest"],
    ["CPU ms/req: Inkwell / framework floor", "inkwell", FRAMEWORK_FLOOR, "cpuMsPerRequest"],
  ];

  return [
    `### Benchmark ${context.facts.date.slice(0, 10)}`,
    "",
    `${context.facts.cores} cores (${context.facts.cpu}), ${context.facts.memoryGiB} GiB, Node ${context.facts.node} for every system, ${context.facts.postgres}. ` +
      `${context.setup} Data: standard, ${context.datasets.standard}; deep, ${context.datasets.deep}. Whole run: ${context.seconds.toFixed(0)} s.`,
    "",
    `Workloads: ${(Object.keys(WORKLOADS) as WorkloadName[]).map((w) => `${w} ${WORKLOADS[w]}`).join("; ")}.`,
    "",
    `The framework floor (${FRAMEWORK_FLOOR}) is Yoga and graphql-js over the ceiling's one statement per request, in Inkwell's place in the same ratio: ` +
      "where it misses a goal, no server on Inkwell's framework can meet it.",
    "",
    "| target | goal | measured (middle half of rounds) | met | framework floor in Inkwell's place | floor meets it |",
    "| --- | ---: | ---: | --- | ---: | --- |",
    ...targets.map(({ name, value, floor, goal, kind }) => {
      const meets = (ratio: RoundRatio | undefined) =>
        ratio === undefined ? "n/a" : (kind === "min" ? ratio.median >= goal : ratio.median <= goal) ? "yes" : "no";
      return `| ${name} | ${kind === "min" ? "≥" : "≤"} ${goal.toFixed(2)}× | ${spread(value)} | ${meets(value)} | ${spread(floor)} | ${meets(floor)} |`;
    }),
    "",
    "| system | workload | req/s | CPU ms/req | × ceiling | p50 / p99 ms at ½ ceiling | p50 / p99 ms at ½ own | statements/req | peak RSS MiB |",
    "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...results.map(
      (r) =>
        `| ${r.system} | ${label(r.dataset, r.workload)} | ${r.rps.toFixed(0)} | ${r.cpuMsPerRequest.toFixed(3)} | ${ratio(times(r.rps, baseline(r)))} | ` +
        `${fmt(r.p50)} / ${fmt(r.p99)} | ${fmt(r.ownP50)} / ${fmt(r.ownP99)} | ` +
        `${r.statementsPerRequest ?? "n/a"} | ${r.peakRssMiB.toFixed(0)} |` +
        (r.failures ? ` ${r.failures} failed requests |` : ""),
    ),
    "",
    "Ratios, each the median of its per-round ratios (the middle half of the rounds in brackets); req/s unless marked CPU.",
    "",
    `| ratio | ${COLUMNS.map(([d, w]) => label(d, w)).join(" | ")} |`,
    `| --- | ${COLUMNS.map(() => "---:").join(" | ")} |`,
    ...ratioRows.map(([name, a, b, metric]) => `| ${name} | ${COLUMNS.map(([d, w]) => spread(versus(a, b, d, w, metric))).join(" | ")} |`),
    "",
    `W1 deep / standard throughput: ${systems
      .map((system) => [system, times(get(system, "deep", "W1")?.rps, get(system, "standard", "W1")?.rps)] as const)
      .filter(([, value]) => value !== undefined)
      .map(([system, value]) => `${system} ${ratio(value)}`)
      .join(", ")} (different races, so medians of each). ` +
      `W0: Inkwell ${spread(versus("inkwell", "floor", "standard", "W0"))} of the http floor.`,
    "",
    `Ceiling plans (EXPLAIN ANALYZE of each prepared statement's generic plan): ${context.plans.join("; ")}.`,
  ].join("\n");
}
