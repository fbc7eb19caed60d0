-- The patron's "not needed after" day (不要日, issue 13 item 3; R-SUSPEND-3): a reservation still 予約申込 or
-- 確保待ち at 00:00 JST of the day after it is cancelled by the library. Null: no such day.
-- AlterTable
ALTER TABLE "reservation" ADD COLUMN     "notNeededAfter" DATE;
