/* npm run schema:print: writes schema.graphql from the builder, for SDK generation and review. */
import { writeFile } from "node:fs/promises";
import { printSchemaSDL } from "../schema/sdl.js";

await writeFile(new URL("../../schema.graphql", import.meta.url), printSchemaSDL());
console.log("Wrote schema.graphql");
