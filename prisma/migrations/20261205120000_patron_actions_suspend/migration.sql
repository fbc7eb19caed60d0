-- Suspending a waiting reservation (保留, issue 13 item 3; R-SUSPEND-1, R-SUSPEND-2): the day it resumes
-- (passed over when a copy comes until then; null: not suspended), and since when.
-- AlterTable
ALTER TABLE "reservation" ADD COLUMN     "suspendedUntil" DATE,
ADD COLUMN     "suspendedAt" TIMESTAMP(3);
