-- CreateIndex
CREATE INDEX "comments_created_at_post_id_idx" ON "comments"("created_at", "post_id");

-- CreateIndex
CREATE INDEX "post_tags_published_at_tag_id_idx" ON "post_tags"("published_at", "tag_id");
