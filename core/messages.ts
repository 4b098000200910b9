/** Messages the server sends and the browser recognises, so both sides spell them the same. */
export const DATABASE_UNAVAILABLE = "Database unavailable; retrying";
