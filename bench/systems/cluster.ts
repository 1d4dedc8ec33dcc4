/**
 * Inkwell as N processes behind Node's cluster module, for the scale-out
 * measurement: the primary accepts connections on PORT and hands them to
 * the workers in turn (round-robin, Node's default on Linux); each worker
 * is Inkwell as `npm start` runs it: INKWELL_SCRIPT, the production build
 * (dist/server.mjs, with its source maps). INKWELL_WORKERS sets N.
 */
import cluster from "node:cluster";

const workers = Number(process.env.INKWELL_WORKERS ?? "2");
if (!Number.isInteger(workers) || workers < 1) throw new Error(`INKWELL_WORKERS must be a whole number from 1, got ${process.env.INKWELL_WORKERS}`);

const script = process.env.INKWELL_SCRIPT ?? "dist/server.mjs";
// The primary runs under tsx; a worker runs the built JavaScript, with only the primary's other flags (the young generation's size).
const execArgv = process.execArgv.filter((flag, i, all) => flag !== "--import" && all[i - 1] !== "--import");
cluster.setupPrimary({ exec: script, execArgv: script.endsWith(".ts") ? [...process.execArgv] : [...execArgv, "--enable-source-maps"] });
for (let i = 0; i < workers; i += 1) cluster.fork();
cluster.on("exit", (worker, code) => {
  // A worker that dies during a measurement spoils it: stop everything, loudly.
  if (!stopping) {
    console.error(`worker ${worker.process.pid} exited with ${code}`);
    process.exit(1);
  }
});
let stopping = false;
process.on("SIGTERM", () => {
  stopping = true;
  for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill("SIGTERM");
  cluster.on("exit", () => {
    if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
  });
});
