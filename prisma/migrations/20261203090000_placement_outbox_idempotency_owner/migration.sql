-- No orphan, no double (issue 9): the reservation row is the outbox of its workflow's start, and an
-- Idempotency-Key claim names the API process that holds it.
-- AlterTable
ALTER TABLE "reservation" ADD COLUMN     "workflowConfig" JSONB,
ADD COLUMN     "workflowStartedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "idempotency_record" ADD COLUMN     "ownerInstance" INTEGER;

-- CreateIndex
CREATE INDEX "reservation_workflowStartedAt_idx" ON "reservation"("workflowStartedAt");

-- Reservations placed before: their workflows were started by the placement itself (the starter must
-- not start them again), so they count as started, at the moment they were placed.
UPDATE "reservation" SET "workflowStartedAt" = "placedAt" WHERE "workflowStartedAt" IS NULL;
