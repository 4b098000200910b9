/**
 * One colour per compared run, the same on the compare page and in reports (Okabe-Ito based:
 * distinguishable with the common colour-vision deficiencies, readable on white and dark).
 */
export const RUN_COLORS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#8C564B", "#7F7F7F"] as const;

export function runColor(index: number): string {
  return RUN_COLORS[index % RUN_COLORS.length] ?? "#0072B2";
}

/** Component colours by role: the load generator grey, the app green, proxies warm, control plane purple. */
const ROLE_SHADES: Record<string, readonly string[]> = {
  loadgen: ["#9E9E9E", "#BDBDBD"],
  app: ["#009E73", "#66C2A5"],
  proxy: ["#D55E00", "#E69F00", "#F0A868", "#B8470B"],
  "control-plane": ["#7F3C8D", "#CC79A7"],
};

export function componentColor(role: string, indexInRole: number): string {
  const shades = ROLE_SHADES[role] ?? ["#56B4E9"];
  return shades[indexInRole % shades.length] ?? "#56B4E9";
}

/** Colours for a list of components, each shade assigned in order within its role. */
export function componentColors(components: readonly { component: string; role: string }[]): Map<string, string> {
  const seen = new Map<string, number>();
  const out = new Map<string, string>();
  for (const c of components) {
    const i = seen.get(c.role) ?? 0;
    seen.set(c.role, i + 1);
    out.set(c.component, componentColor(c.role, i));
  }
  return out;
}
