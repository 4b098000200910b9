/**
 * A Kubernetes resource quantity ("3500m", "4", "16331392Ki", "2Gi", "1e3") as a number.
 * client-node has quantityToScalar, but not in its public entry point, and it returns BigInt for
 * some suffixes; node capacities only need a float. null for anything unparseable.
 */
const SUFFIX: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  "": 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

export function parseQuantity(quantity: string | undefined): number | null {
  const match = /^([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]?)$/.exec(quantity?.trim() ?? "");
  if (!match) return null;
  const multiplier = SUFFIX[match[2] ?? ""];
  const value = Number(match[1]);
  return multiplier === undefined || !Number.isFinite(value) ? null : value * multiplier;
}
