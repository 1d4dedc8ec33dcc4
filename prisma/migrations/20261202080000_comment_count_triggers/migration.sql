-- Written by hand: nothing in prisma/schema.prisma changes, so the schema
-- engine has nothing to generate; these are triggers, which Prisma's schema
-- cannot express.
--
-- posts.comment_count follows comments on every path that adds or removes
-- them: a comment written or deleted, a post's comments removed with it, a
-- user's comments removed with the user, bulk SQL. One statement-level
-- trigger per direction updates each affected post once per statement.

CREATE FUNCTION "comments_count_inserted"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "posts" p SET "comment_count" = p."comment_count" + added.n
  FROM (SELECT "post_id", count(*) AS n FROM inserted GROUP BY "post_id") added
  WHERE p."id" = added."post_id";
  RETURN NULL;
END $$;

CREATE TRIGGER "comments_count_inserted"
AFTER INSERT ON "comments"
REFERENCING NEW TABLE AS inserted
FOR EACH STATEMENT EXECUTE FUNCTION "comments_count_inserted"();

CREATE FUNCTION "comments_count_deleted"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "posts" p SET "comment_count" = p."comment_count" - removed.n
  FROM (SELECT "post_id", count(*) AS n FROM deleted GROUP BY "post_id") removed
  WHERE p."id" = removed."post_id";
  RETURN NULL;
END $$;

CREATE TRIGGER "comments_count_deleted"
AFTER DELETE ON "comments"
REFERENCING OLD TABLE AS deleted
FOR EACH STATEMENT EXECUTE FUNCTION "comments_count_deleted"();

-- Counts from before the triggers, made exact.
UPDATE "posts" p SET "comment_count" = (SELECT count(*) FROM "comments" c WHERE c."post_id" = p."id");
