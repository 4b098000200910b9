/**
 * A tiny safe HTML/SVG template: every interpolated value is escaped unless it is already
 * SafeHtml (produced by this module), so a run name can never inject markup into a report.
 */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export type Part = SafeHtml | string | number | boolean | null | undefined | readonly Part[];

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

function render(part: Part): string {
  if (part === null || part === undefined || part === false || part === true) return "";
  if (part instanceof SafeHtml) return part.value;
  if (Array.isArray(part)) return part.map(render).join("");
  if (typeof part === "number") return Number.isFinite(part) ? String(part) : "";
  return escapeHtml(String(part));
}

export function html(strings: TemplateStringsArray, ...values: Part[]): SafeHtml {
  let out = strings[0] ?? "";
  values.forEach((v, i) => {
    out += render(v) + (strings[i + 1] ?? "");
  });
  return new SafeHtml(out);
}

/** Trusted markup only (CSS, constant strings). */
export function unsafeRaw(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

/** A number for an SVG attribute: rounded, never NaN. */
export function n(value: number, digits = 1): string {
  if (!Number.isFinite(value)) return "0";
  const f = 10 ** digits;
  return String(Math.round(value * f) / f);
}
