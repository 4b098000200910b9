/** How many runs one comparison takes: fewer says nothing, more no chart can show apart. */
export const MIN_COMPARE_RUNS = 2;
export const MAX_COMPARE_RUNS = 8;
