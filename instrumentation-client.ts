import { z } from "zod";

// Runs in the browser before the app hydrates. The pages' Content-Security-Policy forbids eval, and
// zod probes for it with `new Function` the first time it parses an object: the probe fails
// harmlessly but is reported as a CSP violation. jitless skips the probe (and the compiled parsers
// it would enable).
z.config({ jitless: true });
