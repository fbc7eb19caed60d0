-- Signals owed to workflows, written with the change they tell of (transactional outbox).
-- CreateTable
CREATE TABLE "signal_outbox" (
    "id" BIGSERIAL NOT NULL,
    "workflowId" TEXT NOT NULL,
    "signal" TEXT NOT NULL,
    "args" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "signal_outbox_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "signal_outbox_createdAt_idx" ON "signal_outbox"("createdAt");
