/**
 * Progress while waiting for a run: a bar redrawn in place on a terminal, plain lines otherwise
 * (a CI log keeps every line, so only a change of phase or each 10% step is written).
 */

export interface ProgressState {
  status: string;
  /** 0-100 */
  progress: number;
  phase: string | null;
}

export interface ProgressOutput {
  write(text: string): void;
  isTTY: boolean;
  columns?: number;
}

const BAR_WIDTH = 30;

export function progressBar(percent: number, width = BAR_WIDTH): string {
  const clamped = Math.min(100, Math.max(0, percent));
  const filled = Math.round((clamped / 100) * width);
  return `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${clamped.toFixed(0).padStart(3)}%`;
}

export class ProgressReporter {
  private lastLine = "";
  private lastStep = -1;
  private drawn = false;

  constructor(private readonly out: ProgressOutput) {}

  update(state: ProgressState): void {
    const what = `${state.status.toLowerCase()}${state.phase ? `: ${state.phase}` : ""}`;
    if (this.out.isTTY) {
      const line = `${progressBar(state.progress)} ${what}`;
      const width = Math.max(20, (this.out.columns ?? 80) - 1);
      this.out.write(`\r${line.slice(0, width).padEnd(width)}`);
      this.drawn = true;
      return;
    }
    const step = Math.floor(state.progress / 10);
    const line = `${state.progress.toFixed(0)}% ${what}`;
    if (what !== this.lastLine || step !== this.lastStep) {
      this.out.write(`${line}\n`);
      this.lastLine = what;
      this.lastStep = step;
    }
  }

  /** Ends the bar's line so what follows starts on its own. */
  done(): void {
    if (this.drawn) this.out.write("\n");
    this.drawn = false;
  }
}
