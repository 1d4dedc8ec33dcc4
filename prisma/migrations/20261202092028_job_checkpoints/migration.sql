-- CreateTable
CREATE TABLE "job_checkpoints" (
    "name" TEXT NOT NULL,
    "position" JSONB NOT NULL,
    "started_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "job_checkpoints_pkey" PRIMARY KEY ("name")
);
