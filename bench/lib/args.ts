export interface BenchArgs {
  quick: boolean;
  /** Sections to run ("1".."6"); all when empty. */
  only: Set<string>;
}

/** `--quick`, `--only=1,2` (sections). Unknown flags are an error: a typo must not run the 10-minute suite. */
export function parseArgs(argv: readonly string[]): BenchArgs {
  const out: BenchArgs = { quick: false, only: new Set() };
  for (const arg of argv) {
    if (arg === "--quick") out.quick = true;
    else if (arg.startsWith("--only=")) {
      for (const s of arg.slice("--only=".length).split(",")) {
        if (!/^[1-6]$/.test(s)) throw new Error(`--only takes sections 1-6, got "${s}"`);
        out.only.add(s);
      }
    } else throw new Error(`unknown argument ${arg} (use --quick, --only=1,2,3,4,5,6)`);
  }
  return out;
}

export function wants(args: BenchArgs, section: string): boolean {
  return args.only.size === 0 || args.only.has(section);
}
