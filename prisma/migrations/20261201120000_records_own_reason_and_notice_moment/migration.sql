-- The records own every fact of a reservation (issue 9): the reason it ended or is held back, as the
-- deciding activity recorded it, and the library's moment of each notice.
-- AlterTable
ALTER TABLE "reservation" ADD COLUMN     "reason" JSONB;

-- AlterTable
ALTER TABLE "mail_outbox" ADD COLUMN     "noticeAt" TIMESTAMP(3);

-- Reservations that ended before: the reason their workflow showed, from the rule their record names.
UPDATE "reservation" SET "reason" = jsonb_build_object(
  'rule', "endReason",
  'ja', '取置期間中に受け取りに来られなかったため、資料を回収し、予約を解除しました。',
  'en', 'The item was not collected within the hold period, so it was taken back and the reservation was released.')
WHERE "endReason" IN ('R-PREF-5', 'R-COOP-3') AND "reason" IS NULL;
UPDATE "reservation" SET "reason" = jsonb_build_object(
  'rule', 'R-DISPATCH-2',
  'ja', '協力館へ3回発送できなかったため、予約を解除しました。',
  'en', 'The item could not be dispatched 3 times, so the reservation was released.')
WHERE "endReason" = 'R-DISPATCH-2' AND "reason" IS NULL;
