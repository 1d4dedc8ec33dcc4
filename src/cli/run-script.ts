/**
 * Runs a script's `main` and exits with its code (0 when it returns none).
 * The exit is explicit because the WASM schema engine leaves a timer behind
 * that would keep the process idle for another 10 s. An error prints its
 * message alone, for a person at a terminal, and exits 1.
 */
export function runScript(main: () => Promise<number | void>): void {
  main().then(
    (code) => process.exit(code ?? 0),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
