import type { Measurement } from "./measure.js";
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

const fmt = (value: number | null) => (value === null ? "sat." : value.toFixed(1));
const times = (a: number | undefined | null, b: number | undefined | null) => (a && b ? a / b : undefined);
const ratio = (value: number | undefined) => (value === undefined ? "n/a" : `${value.toFixed(2)}×`);
const label = (dataset: DatasetName, workload: WorkloadName) => (dataset === "deep" ? `${workload} deep` : workload);

const COLUMNS: [DatasetName, WorkloadName][] = [
  ["standard", "W1"],
  ["standard", "W2"],
  ["standard", "W3"],
  ["deep", "W1"],
  ["deep", "W4"],
  ["deep", "W5"],
];

/** The report: every measurement, the ratios between systems, and each target of issue 6 met or not. */
export function renderReport(results: Measurement[], context: ReportContext): string {
  const get = (system: string, dataset: DatasetName, workload: WorkloadName) =>
    results.find((r) => r.system === system && r.dataset === dataset && r.workload === workload);
  const rps = (system: string, dataset: DatasetName, workload: WorkloadName) => get(system, dataset, workload)?.rps;
  const baseline = (r: Measurement) =>
    r.workload === "W0" ? get("floor", r.dataset, "W0")?.rps : get("ceiling", r.dataset, r.workload)?.rps;

  const targets: [string, number | undefined, number, "min" | "max"][] = [
    ["W1 deep: Inkwell / PostGraphile", times(rps("inkwell", "deep", "W1"), rps("postgraphile", "deep", "W1")), 1, "min"],
    ["W4: Inkwell / PostGraphile", times(rps("inkwell", "deep", "W4"), rps("postgraphile", "deep", "W4")), 1, "min"],
    ["W5: Inkwell / PostGraphile", times(rps("inkwell", "deep", "W5"), rps("postgraphile", "deep", "W5")), 1, "min"],
    ["W1: Inkwell deep / standard", times(rps("inkwell", "deep", "W1"), rps("inkwell", "standard", "W1")), 0.7, "min"],
    ["W1: Inkwell / PostGraphile", times(rps("inkwell", "standard", "W1"), rps("postgraphile", "standard", "W1")), 1, "min"],
    ["W2: Inkwell / PostGraphile", times(rps("inkwell", "standard", "W2"), rps("postgraphile", "standard", "W2")), 1, "min"],
    [
      "W1 CPU per request: Inkwell / PostGraphile",
      times(get("inkwell", "standard", "W1")?.cpuMsPerRequest, get("postgraphile", "standard", "W1")?.cpuMsPerRequest),
      1,
      "max",
    ],
    [
      "W2 CPU per request: Inkwell / PostGraphile",
      times(get("inkwell", "standard", "W2")?.cpuMsPerRequest, get("postgraphile", "standard", "W2")?.cpuMsPerRequest),
      1,
      "max",
    ],
    ["W0: Inkwell / PostGraphile", times(rps("inkwell", "standard", "W0"), rps("postgraphile", "standard", "W0")), 0.5, "min"],
  ];
  const systems = [...new Set(results.map((r) => r.system))];

  return [
    `### Benchmark ${context.facts.date.slice(0, 10)}`,
    "",
    `${context.facts.cores} cores (${context.facts.cpu}), ${context.facts.memoryGiB} GiB, Node ${context.facts.node}, ${context.facts.postgres}. ` +
      `${context.setup} Data: standard, ${context.datasets.standard}; deep, ${context.datasets.deep}. Whole run: ${context.seconds.toFixed(0)} s.`,
    "",
    `Workloads: ${(Object.keys(WORKLOADS) as WorkloadName[]).map((w) => `${w} ${WORKLOADS[w]}`).join("; ")}.`,
    "",
    "| system | workload | req/s | × ceiling | p50 / p99 ms at ½ ceiling | p50 / p99 ms at ½ own | CPU ms/req | statements/req | peak RSS MiB |",
    "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...results.map(
      (r) =>
        `| ${r.system} | ${label(r.dataset, r.workload)} | ${r.rps.toFixed(0)} | ${ratio(times(r.rps, baseline(r)))} | ` +
        `${fmt(r.p50)} / ${fmt(r.p99)} | ${fmt(r.ownP50)} / ${fmt(r.ownP99)} | ${r.cpuMsPerRequest.toFixed(2)} | ` +
        `${r.statementsPerRequest ?? "n/a"} | ${r.peakRssMiB.toFixed(0)} |` +
        (r.failures ? ` ${r.failures} failed requests |` : ""),
    ),
    "",
    `| ratio | ${COLUMNS.map(([d, w]) => label(d, w)).join(" | ")} |`,
    `| --- | ${COLUMNS.map(() => "---:").join(" | ")} |`,
    ...[
      ["Inkwell / ceiling", "inkwell", "ceiling"],
      ["Inkwell / naive", "inkwell", "naive"],
      ["Inkwell / PostGraphile", "inkwell", "postgraphile"],
      ["Inkwell PGlite / PostgreSQL", "inkwell (PGlite)", "inkwell"],
    ].map(([name, a, b]) => `| ${name} | ${COLUMNS.map(([d, w]) => ratio(times(rps(a!, d, w), rps(b!, d, w)))).join(" | ")} |`),
    "",
    `W1 deep / standard throughput: ${systems
      .map((system) => [system, times(rps(system, "deep", "W1"), rps(system, "standard", "W1"))] as const)
      .filter(([, value]) => value !== undefined)
      .map(([system, value]) => `${system} ${ratio(value)}`)
      .join(", ")}. ` +
      `W0: Inkwell ${ratio(times(rps("inkwell", "standard", "W0"), rps("floor", "standard", "W0")))} of the http floor.`,
    "",
    "| target | goal | measured | met |",
    "| --- | ---: | ---: | --- |",
    ...targets.map(
      ([name, value, goal, kind]) =>
        `| ${name} | ${kind === "min" ? "≥" : "≤"} ${goal.toFixed(1)}× | ${ratio(value)} | ${
          value === undefined ? "n/a" : (kind === "min" ? value >= goal : value <= goal) ? "yes" : "no"
        } |`,
    ),
    "",
    `Ceiling plans (EXPLAIN ANALYZE): ${context.plans.join("; ")}.`,
  ].join("\n");
}
