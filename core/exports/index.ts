/** Every export format, one module each; this index keeps `~/core/exports` importable as a whole. */
export * from "./comparison";
export * from "./json";
export * from "./smp";
export * from "./yaml";
