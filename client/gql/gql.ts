/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "mutation SignUp($input: SignUpInput!) {\n  signUp(input: $input) {\n    token\n    user {\n      id\n      handle\n      email\n    }\n  }\n}\n\nmutation LogIn($input: LogInInput!) {\n  logIn(input: $input) {\n    token\n    user {\n      id\n      handle\n      email\n    }\n  }\n}": typeof types.SignUpDocument,
    "mutation SendCredits($input: SendCreditsInput!) {\n  sendCredits(input: $input) {\n    id\n    amount\n    note\n    createdAt\n    to {\n      handle\n    }\n  }\n}\n\nquery MyCredits($first: Int = 20, $after: String) {\n  viewer {\n    credits {\n      balance\n      entries(first: $first, after: $after) {\n        edges {\n          node {\n            amount\n            balanceAfter\n            createdAt\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n}": typeof types.SendCreditsDocument,
    "query Feed($first: Int = 10, $after: String, $tag: String) {\n  posts(first: $first, after: $after, filter: {tag: $tag}) {\n    edges {\n      node {\n        ...PostCard\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}\n\nfragment PostCard on Post {\n  id\n  title\n  slug\n  excerpt\n  publishedAt\n  commentCount\n  author {\n    handle\n    name\n  }\n  tags {\n    name\n  }\n}": typeof types.FeedDocument,
    "query PostPage($slug: String!, $comments: Int = 20, $after: String) {\n  post(slug: $slug) {\n    id\n    title\n    body\n    status\n    publishedAt\n    viewerCanEdit\n    viewerCanDelete\n    viewerCanComment\n    author {\n      handle\n      name\n    }\n    tags {\n      name\n    }\n    comments(first: $comments, after: $after) {\n      totalCount\n      edges {\n        node {\n          ...CommentItem\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n}\n\nfragment CommentItem on Comment {\n  id\n  body\n  createdAt\n  viewerCanEdit\n  viewerCanDelete\n  author {\n    handle\n    name\n  }\n}": typeof types.PostPageDocument,
    "query Profile($handle: String!, $first: Int = 10, $after: String) {\n  user(handle: $handle) {\n    id\n    handle\n    name\n    createdAt\n    postCount\n    profile {\n      bio\n      avatarUrl\n      website\n    }\n    posts(first: $first, after: $after) {\n      totalCount\n      edges {\n        node {\n          id\n          title\n          slug\n          status\n          publishedAt\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n}\n\nquery Me {\n  viewer {\n    id\n    handle\n    name\n    email\n    credits {\n      balance\n    }\n  }\n}": typeof types.ProfileDocument,
    "mutation CreatePost($input: CreatePostInput!) {\n  createPost(input: $input) {\n    id\n    slug\n    status\n    title\n  }\n}\n\nmutation UpdatePost($input: UpdatePostInput!) {\n  updatePost(input: $input) {\n    id\n    slug\n    title\n    body\n    tags {\n      name\n    }\n  }\n}\n\nmutation PublishPost($id: ID!) {\n  publishPost(id: $id) {\n    id\n    slug\n    status\n    publishedAt\n  }\n}\n\nmutation AddComment($input: AddCommentInput!) {\n  addComment(input: $input) {\n    ...CommentItem\n  }\n}": typeof types.CreatePostDocument,
};
const documents: Documents = {
    "mutation SignUp($input: SignUpInput!) {\n  signUp(input: $input) {\n    token\n    user {\n      id\n      handle\n      email\n    }\n  }\n}\n\nmutation LogIn($input: LogInInput!) {\n  logIn(input: $input) {\n    token\n    user {\n      id\n      handle\n      email\n    }\n  }\n}": types.SignUpDocument,
    "mutation SendCredits($input: SendCreditsInput!) {\n  sendCredits(input: $input) {\n    id\n    amount\n    note\n    createdAt\n    to {\n      handle\n    }\n  }\n}\n\nquery MyCredits($first: Int = 20, $after: String) {\n  viewer {\n    credits {\n      balance\n      entries(first: $first, after: $after) {\n        edges {\n          node {\n            amount\n            balanceAfter\n            createdAt\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n}": types.SendCreditsDocument,
    "query Feed($first: Int = 10, $after: String, $tag: String) {\n  posts(first: $first, after: $after, filter: {tag: $tag}) {\n    edges {\n      node {\n        ...PostCard\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}\n\nfragment PostCard on Post {\n  id\n  title\n  slug\n  excerpt\n  publishedAt\n  commentCount\n  author {\n    handle\n    name\n  }\n  tags {\n    name\n  }\n}": types.FeedDocument,
    "query PostPage($slug: String!, $comments: Int = 20, $after: String) {\n  post(slug: $slug) {\n    id\n    title\n    body\n    status\n    publishedAt\n    viewerCanEdit\n    viewerCanDelete\n    viewerCanComment\n    author {\n      handle\n      name\n    }\n    tags {\n      name\n    }\n    comments(first: $comments, after: $after) {\n      totalCount\n      edges {\n        node {\n          ...CommentItem\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n}\n\nfragment CommentItem on Comment {\n  id\n  body\n  createdAt\n  viewerCanEdit\n  viewerCanDelete\n  author {\n    handle\n    name\n  }\n}": types.PostPageDocument,
    "query Profile($handle: String!, $first: Int = 10, $after: String) {\n  user(handle: $handle) {\n    id\n    handle\n    name\n    createdAt\n    postCount\n    profile {\n      bio\n      avatarUrl\n      website\n    }\n    posts(first: $first, after: $after) {\n      totalCount\n      edges {\n        node {\n          id\n          title\n          slug\n          status\n          publishedAt\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n}\n\nquery Me {\n  viewer {\n    id\n    handle\n    name\n    email\n    credits {\n      balance\n    }\n  }\n}": types.ProfileDocument,
    "mutation CreatePost($input: CreatePostInput!) {\n  createPost(input: $input) {\n    id\n    slug\n    status\n    title\n  }\n}\n\nmutation UpdatePost($input: UpdatePostInput!) {\n  updatePost(input: $input) {\n    id\n    slug\n    title\n    body\n    tags {\n      name\n    }\n  }\n}\n\nmutation PublishPost($id: ID!) {\n  publishPost(id: $id) {\n    id\n    slug\n    status\n    publishedAt\n  }\n}\n\nmutation AddComment($input: AddCommentInput!) {\n  addComment(input: $input) {\n    ...CommentItem\n  }\n}": types.CreatePostDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation SignUp($input: SignUpInput!) {\n  signUp(input: $input) {\n    token\n    user {\n      id\n      handle\n      email\n    }\n  }\n}\n\nmutation LogIn($input: LogInInput!) {\n  logIn(input: $input) {\n    token\n    user {\n      id\n      handle\n      email\n    }\n  }\n}"): (typeof documents)["mutation SignUp($input: SignUpInput!) {\n  signUp(input: $input) {\n    token\n    user {\n      id\n      handle\n      email\n    }\n  }\n}\n\nmutation LogIn($input: LogInInput!) {\n  logIn(input: $input) {\n    token\n    user {\n      id\n      handle\n      email\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation SendCredits($input: SendCreditsInput!) {\n  sendCredits(input: $input) {\n    id\n    amount\n    note\n    createdAt\n    to {\n      handle\n    }\n  }\n}\n\nquery MyCredits($first: Int = 20, $after: String) {\n  viewer {\n    credits {\n      balance\n      entries(first: $first, after: $after) {\n        edges {\n          node {\n            amount\n            balanceAfter\n            createdAt\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n}"): (typeof documents)["mutation SendCredits($input: SendCreditsInput!) {\n  sendCredits(input: $input) {\n    id\n    amount\n    note\n    createdAt\n    to {\n      handle\n    }\n  }\n}\n\nquery MyCredits($first: Int = 20, $after: String) {\n  viewer {\n    credits {\n      balance\n      entries(first: $first, after: $after) {\n        edges {\n          node {\n            amount\n            balanceAfter\n            createdAt\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Feed($first: Int = 10, $after: String, $tag: String) {\n  posts(first: $first, after: $after, filter: {tag: $tag}) {\n    edges {\n      node {\n        ...PostCard\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}\n\nfragment PostCard on Post {\n  id\n  title\n  slug\n  excerpt\n  publishedAt\n  commentCount\n  author {\n    handle\n    name\n  }\n  tags {\n    name\n  }\n}"): (typeof documents)["query Feed($first: Int = 10, $after: String, $tag: String) {\n  posts(first: $first, after: $after, filter: {tag: $tag}) {\n    edges {\n      node {\n        ...PostCard\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}\n\nfragment PostCard on Post {\n  id\n  title\n  slug\n  excerpt\n  publishedAt\n  commentCount\n  author {\n    handle\n    name\n  }\n  tags {\n    name\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query PostPage($slug: String!, $comments: Int = 20, $after: String) {\n  post(slug: $slug) {\n    id\n    title\n    body\n    status\n    publishedAt\n    viewerCanEdit\n    viewerCanDelete\n    viewerCanComment\n    author {\n      handle\n      name\n    }\n    tags {\n      name\n    }\n    comments(first: $comments, after: $after) {\n      totalCount\n      edges {\n        node {\n          ...CommentItem\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n}\n\nfragment CommentItem on Comment {\n  id\n  body\n  createdAt\n  viewerCanEdit\n  viewerCanDelete\n  author {\n    handle\n    name\n  }\n}"): (typeof documents)["query PostPage($slug: String!, $comments: Int = 20, $after: String) {\n  post(slug: $slug) {\n    id\n    title\n    body\n    status\n    publishedAt\n    viewerCanEdit\n    viewerCanDelete\n    viewerCanComment\n    author {\n      handle\n      name\n    }\n    tags {\n      name\n    }\n    comments(first: $comments, after: $after) {\n      totalCount\n      edges {\n        node {\n          ...CommentItem\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n}\n\nfragment CommentItem on Comment {\n  id\n  body\n  createdAt\n  viewerCanEdit\n  viewerCanDelete\n  author {\n    handle\n    name\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Profile($handle: String!, $first: Int = 10, $after: String) {\n  user(handle: $handle) {\n    id\n    handle\n    name\n    createdAt\n    postCount\n    profile {\n      bio\n      avatarUrl\n      website\n    }\n    posts(first: $first, after: $after) {\n      totalCount\n      edges {\n        node {\n          id\n          title\n          slug\n          status\n          publishedAt\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n}\n\nquery Me {\n  viewer {\n    id\n    handle\n    name\n    email\n    credits {\n      balance\n    }\n  }\n}"): (typeof documents)["query Profile($handle: String!, $first: Int = 10, $after: String) {\n  user(handle: $handle) {\n    id\n    handle\n    name\n    createdAt\n    postCount\n    profile {\n      bio\n      avatarUrl\n      website\n    }\n    posts(first: $first, after: $after) {\n      totalCount\n      edges {\n        node {\n          id\n          title\n          slug\n          status\n          publishedAt\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n}\n\nquery Me {\n  viewer {\n    id\n    handle\n    name\n    email\n    credits {\n      balance\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation CreatePost($input: CreatePostInput!) {\n  createPost(input: $input) {\n    id\n    slug\n    status\n    title\n  }\n}\n\nmutation UpdatePost($input: UpdatePostInput!) {\n  updatePost(input: $input) {\n    id\n    slug\n    title\n    body\n    tags {\n      name\n    }\n  }\n}\n\nmutation PublishPost($id: ID!) {\n  publishPost(id: $id) {\n    id\n    slug\n    status\n    publishedAt\n  }\n}\n\nmutation AddComment($input: AddCommentInput!) {\n  addComment(input: $input) {\n    ...CommentItem\n  }\n}"): (typeof documents)["mutation CreatePost($input: CreatePostInput!) {\n  createPost(input: $input) {\n    id\n    slug\n    status\n    title\n  }\n}\n\nmutation UpdatePost($input: UpdatePostInput!) {\n  updatePost(input: $input) {\n    id\n    slug\n    title\n    body\n    tags {\n      name\n    }\n  }\n}\n\nmutation PublishPost($id: ID!) {\n  publishPost(id: $id) {\n    id\n    slug\n    status\n    publishedAt\n  }\n}\n\nmutation AddComment($input: AddCommentInput!) {\n  addComment(input: $input) {\n    ...CommentItem\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;