#!/usr/bin/env node
// `npx meshbench` inside the repository: the CLI's TypeScript straight from the source, through
// tsx (the runtime the worker uses), so it always matches the server it sits next to.
import { tsImport } from "tsx/esm/api";

await tsImport("../index.ts", import.meta.url);
