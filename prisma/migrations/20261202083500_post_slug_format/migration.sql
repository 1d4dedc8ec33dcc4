-- Written by hand: a CHECK constraint, which Prisma's schema cannot express.
--
-- A slug is part of a URL: lower-case letters and digits in words joined by
-- single hyphens. The database holds the rule for every writer, including
-- importPosts, which keeps the slugs it is given.
ALTER TABLE "posts" ADD CONSTRAINT "posts_slug_format" CHECK ("slug" ~ '^[a-z0-9]+(-[a-z0-9]+)*$');
