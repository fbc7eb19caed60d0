-- Records at scale (issue 14, item 4; docs/spec.md R-SCALE-2): indexes that match the staff lists'
-- filters and order, found with `npm run bench:records` (EXPLAIN ANALYZE of the slowest list statements
-- over 20,000 open and 200,000 ended reservations: a sort of every reservation for the newest-first
-- page, a scan of every loan for the due-date filter and the earliest-due-first page).
-- CreateIndex
CREATE INDEX "reservation_placedAt_id_idx" ON "reservation"("placedAt" DESC, "id");

-- CreateIndex
CREATE INDEX "reservation_status_placedAt_id_idx" ON "reservation"("status", "placedAt" DESC, "id");

-- CreateIndex
CREATE INDEX "reservation_itemNumber_status_idx" ON "reservation"("itemNumber", "status");

-- CreateIndex
CREATE INDEX "loan_due_id_idx" ON "loan"("due", "id");

-- CreateIndex
CREATE INDEX "loan_state_due_id_idx" ON "loan"("state", "due", "id");
