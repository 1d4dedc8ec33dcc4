/**
 * How a job shows its progress: a bar with its rate, redrawn in place, in a
 * terminal; a plain line at most once a second otherwise (CI logs, files).
 */
export interface Progress {
  advance(rows: number): void;
  done(): void;
}

export function createProgress(label: string, total: number, out: NodeJS.WriteStream | { isTTY?: boolean; write(text: string): unknown } = process.stderr): Progress {
  const startedAt = performance.now();
  let done = 0;
  // The first plain line after a second: a short job prints only its final one.
  let lastLine = startedAt;
  const rate = () => Math.round(done / Math.max(0.001, (performance.now() - startedAt) / 1000));
  const render = (final: boolean) => {
    const share = total > 0 ? Math.min(1, done / total) : 1;
    if (out.isTTY) {
      const width = 30;
      const filled = Math.round(share * width);
      out.write(`\r${label} [${"#".repeat(filled)}${" ".repeat(width - filled)}] ${Math.round(share * 100)}% ${done}/${total} rows, ${rate()} rows/s${final ? "\n" : ""}`);
    } else if (final || performance.now() - lastLine >= 1000) {
      lastLine = performance.now();
      out.write(`${label}: ${done}/${total} rows (${Math.round(share * 100)}%), ${rate()} rows/s\n`);
    }
  };
  return {
    advance(rows) {
      done += rows;
      render(false);
    },
    done() {
      render(true);
    },
  };
}
