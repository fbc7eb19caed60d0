-- Privacy of ended records (issue 13, item 5; docs/spec.md R-PRIVACY-1…3): the patron's reading history
-- is opt-in; otherwise an ended loan or reservation is handed, after PRIVACY_RETENTION_DAYS, to the
-- anonymous patron below, so that the counts stay and the link to the patron goes
-- (src/services/privacy.ts). The anonymous patron has no password, no address and no limit to count:
-- nobody logs in as it, nothing is sent to it, and no list of patrons shows it.
-- AlterTable
ALTER TABLE "patron" ADD COLUMN     "readingHistory" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "readingHistorySince" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "reservation_endedAt_idx" ON "reservation"("endedAt");

-- CreateIndex
CREATE INDEX "loan_state_checkedInAt_idx" ON "loan"("state", "checkedInAt");

-- The anonymous patron (ANONYMOUS_PATRON_ID in src/domain/privacy.ts).
INSERT INTO "patron" ("id", "cardNumber", "name", "email", "loanLimit", "reservationLimit", "updatedAt")
VALUES ('00000000-0000-0000-0000-000000000000', 'ANONYMOUS', '（匿名化された記録）', NULL, 0, 0, CURRENT_TIMESTAMP)
ON CONFLICT DO NOTHING;
