-- The pickup place changes (受取館変更, issue 13 item 2; R-PICKUP-1, R-PICKUP-2): when it last changed, and from where.
-- AlterTable
ALTER TABLE "reservation" ADD COLUMN     "pickupChangedAt" TIMESTAMP(3),
ADD COLUMN     "pickupChangedFrom" TEXT;
