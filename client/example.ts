// The SDK from Node (a browser app is the same): `npx tsx client/example.ts` while `npm start` runs.
import { createInkwellClient, FeedDocument, LogInDocument, MeDocument } from "./index.js";

let token: string | null = null;
const inkwell = createInkwellClient({ url: process.env.INKWELL_URL ?? "http://localhost:4000/graphql", token: () => token });
const logIn = await inkwell.mutation(LogInDocument, { input: { email: "writer1@example.com", password: "inkwell-password" } }).toPromise();
token = logIn.data?.logIn.token ?? null;
const me = await inkwell.query(MeDocument, {}).toPromise();
const feed = await inkwell.query(FeedDocument, { first: 3 }).toPromise();
console.log(me.data?.viewer?.handle, feed.data?.posts.edges.map((edge) => edge.node.title));
