import { createHash } from "node:crypto";
import { renderGraphiQL } from "@graphql-yoga/render-graphiql";
import type { GraphiQLOptions } from "graphql-yoga";

/**
 * GraphiQL served whole by Inkwell: @graphql-yoga/render-graphiql carries
 * GraphiQL's scripts, styles and workers inline, so the page makes no
 * request to anything but this server (no CDN, which offline, on a
 * locked-down network or under a strict Content-Security-Policy would leave
 * a blank page). The page is rendered once, and sent (by
 * src/plugins/graphiql.ts, gzipped and with an ETag) with a CSP that lets
 * it reach nothing else: its two inline scripts by hash, workers from blob
 * URLs, connections to this origin only.
 */
const FEED = /* GraphQL */ `# Welcome to Inkwell. Press Run (the pink button)
# to see the newest posts. Each tab above holds
# another example; the Me tab shows how to send
# a token.
query NewestPosts {
  posts(first: 5) {
    edges {
      node {
        title
        slug
        excerpt
        publishedAt
        author { handle name }
        tags { name }
        # @defer: sent in a second part.
        ... @defer { commentCount }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}
`;

/** The LogIn example: with the demo password only where demo accounts have the published one. */
function logInExample(demoPassword: string | null): string {
  const intro = demoPassword
    ? `# The demo users' password is ${demoPassword};\n# writer1 is an admin. Copy the token into the\n# Headers pane of the Me tab.`
    : "# Your account's email and password. Copy the\n# token into the Headers pane of the Me tab.";
  const [email, password] = demoPassword ? ["writer1@example.com", demoPassword] : ["you@example.com", "your password"];
  return `${intro}
mutation LogIn {
  logIn(input: { email: ${JSON.stringify(email)}, password: ${JSON.stringify(password)} }) {
    token
    user { handle email }
  }
}
`;
}

const ME = /* GraphQL */ `# Needs the Authorization header (Headers pane):
# "Bearer <token from the LogIn tab>".
query Me {
  viewer {
    handle
    email
    credits { balance }
    posts(first: 5) { totalCount edges { node { title status viewerCanEdit } } }
  }
}
`;

const SEARCH = /* GraphQL */ `query Search {
  search(query: "quiet draft", first: 5) {
    edges { rank highlight node { title slug } }
  }
}
`;

const EXPORT = /* GraphQL */ `# Admins only (an admin's token, like writer1's):
# every post, streamed in parts as it is read.
query Export {
  exportPosts @stream(initialCount: 5) { title slug status author { handle } }
}
`;

const LIVE = /* GraphQL */ `# A subscription: Run it, and it waits. Comment on
# the demo's first post from another tab, signed in:
#   mutation { addComment(input: { postId: "UG9zdDox",
#     body: "Hello." }) { id } }
# and the comment arrives here. Run again to stop.
# With after: "<a cursor from Post.comments>", the
# comments after it come first, then new ones.
subscription NewComments {
  commentAdded(postId: "UG9zdDox") {
    cursor
    node { body createdAt author { handle } }
  }
}
`;

const BEARER_EXAMPLE = JSON.stringify({ Authorization: "Bearer <paste the token from the LogIn tab>" }, null, 2);

/** GraphiQL's settings; `demoPassword` is the published demo password where demo accounts have it, else null. */
export function graphiqlOptions(demoPassword: string | null): GraphiQLOptions {
  return {
    title: "Inkwell GraphiQL",
    defaultQuery: FEED,
    defaultTabs: [
      { query: FEED },
      { query: logInExample(demoPassword) },
      { query: ME, headers: BEARER_EXAMPLE },
      { query: SEARCH },
      { query: EXPORT, headers: BEARER_EXAMPLE },
      { query: LIVE },
    ],
    // A token typed into the headers pane stays in the browser's memory only.
    shouldPersistHeaders: false,
  };
}

export interface GraphiQLPage {
  html: string;
  contentSecurityPolicy: string;
  /** A strong validator of the page, for `If-None-Match`: the same page has the same one in every instance. */
  etag: string;
}

const pages = new WeakMap<GraphiQLOptions, GraphiQLPage>();

/**
 * GraphiQL's tabs are a drag-to-reorder list (framer-motion). When it opens
 * with several tabs at once, as `defaultTabs` makes it, every tab but the
 * last keeps a stale horizontal offset, which GraphiQL's own style hides
 * only while the tab is not focused: pressing a tab focuses it, it jumps
 * aside under the pointer, the click lands on the list, and the tab never
 * opens. This rule keeps every tab where it is laid out; dragging a tab
 * still reorders the tabs (when the pointer passes a neighbour), it only
 * no longer follows the pointer on the way.
 */
const TABS_STAY_IN_PLACE = ".graphiql-tab { transform: none !important; }";

/** GraphiQL's page with Inkwell's rules after its own style; fails if the page no longer has the style to extend. */
function withInkwellStyle(html: string): string {
  const end = html.indexOf("</style>");
  if (end < 0) throw new Error("GraphiQL's page has no <style> for Inkwell's rules (did @graphql-yoga/render-graphiql change?)");
  return `${html.slice(0, end)}${TABS_STAY_IN_PLACE}\n${html.slice(end)}`;
}

/** The page and its CSP, made on first use for these options. */
export function graphiqlPage(options: GraphiQLOptions): GraphiQLPage {
  const made = pages.get(options);
  if (made) return made;
  const html = withInkwellStyle(renderGraphiQL(options));
  const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map(([, body]) => `'sha256-${createHash("sha256").update(body!).digest("base64")}'`);
  const contentSecurityPolicy = [
    "default-src 'self'",
    `script-src 'self' blob: ${scripts.join(" ")}`,
    "worker-src 'self' blob:",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
  const page = { html, contentSecurityPolicy, etag: `"${createHash("sha256").update(html).digest("base64url").slice(0, 27)}"` };
  pages.set(options, page);
  return page;
}
