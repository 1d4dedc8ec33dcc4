import { execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { chown, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/**
 * A PostgreSQL cluster of the test's own, on a spare port, so a test can
 * kill, restart and freeze it without touching the shared server. As root
 * (CI, these machines) it runs as the `postgres` user, since PostgreSQL
 * refuses to run as root.
 */
export interface PrivateCluster {
  url: string;
  port: number;
  /** Crashes it: every backend quits at once, no checkpoint (`pg_ctl stop -m immediate`). */
  kill(): Promise<void>;
  /** Starts it again (crash recovery included) and waits until it accepts connections. */
  start(): Promise<void>;
  /** Stops every process of the cluster where it stands (SIGSTOP), so connections hang. */
  freeze(): Promise<void>;
  thaw(): Promise<void>;
  destroy(): Promise<void>;
}

export async function privateClusterAvailable(): Promise<boolean> {
  return (await binDir()) !== null;
}

async function binDir(): Promise<string | null> {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return null;
  const versions = (await readdir(root)).sort((a, b) => Number(b) - Number(a));
  for (const version of versions) {
    const dir = path.join(root, version, "bin");
    if (existsSync(path.join(dir, "initdb"))) return dir;
  }
  return null;
}

async function sparePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export async function startPrivateCluster(): Promise<PrivateCluster> {
  const bin = await binDir();
  if (!bin) throw new Error("no PostgreSQL server binaries under /usr/lib/postgresql");
  const asRoot = process.getuid?.() === 0;
  const dir = await mkdtemp(path.join(tmpdir(), "inkwell-pg-"));
  const data = path.join(dir, "data");
  if (asRoot) {
    const { stdout } = await run("id", ["-u", "postgres"]);
    const { stdout: gid } = await run("id", ["-g", "postgres"]);
    await chown(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  const command = (file: string, args: string[]) =>
    asRoot ? (["runuser", ["-u", "postgres", "--", path.join(bin, file), ...args]] as const) : ([path.join(bin, file), args] as const);
  const exec = async (file: string, args: string[]) => {
    const [cmd, argv] = command(file, args);
    return run(cmd, [...argv], { cwd: dir });
  };
  await exec("initdb", ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8", "--locale=C.UTF-8"]);
  const port = await sparePort();

  const start = async () => {
    const [cmd, argv] = command("postgres", [
      "-D", data, "-p", String(port), "-k", dir, "-c", "listen_addresses=127.0.0.1", "-c", "max_connections=60",
    ]);
    // Detached and unwaited: the cluster lives until killed, like a server would.
    const child = spawn(cmd, [...argv], { cwd: dir, stdio: "ignore", detached: true });
    child.unref();
    for (let attempt = 0; attempt < 300; attempt++) {
      try {
        await exec("pg_isready", ["-h", "127.0.0.1", "-p", String(port), "-q"]);
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    throw new Error(`private PostgreSQL on port ${port} did not start`);
  };
  const postmasterPid = async () => Number((await readFile(path.join(data, "postmaster.pid"), "utf8")).split("\n")[0]);
  const processes = async () => {
    const pid = await postmasterPid();
    const { stdout } = await run("pgrep", ["-P", String(pid)]).catch(() => ({ stdout: "" }));
    return [pid, ...stdout.split("\n").filter(Boolean).map(Number)];
  };
  const signal = async (name: NodeJS.Signals) => {
    for (const pid of await processes()) {
      try {
        process.kill(pid, name);
      } catch {
        // gone already
      }
    }
  };

  await start();
  await run("psql", ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "-qc", "CREATE DATABASE inkwell"]);
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/inkwell`,
    port,
    async kill() {
      await exec("pg_ctl", ["stop", "-D", data, "-m", "immediate", "-w"]);
    },
    start,
    freeze: () => signal("SIGSTOP"),
    thaw: () => signal("SIGCONT"),
    async destroy() {
      await signal("SIGCONT").catch(() => undefined);
      await exec("pg_ctl", ["stop", "-D", data, "-m", "immediate", "-w"]).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
