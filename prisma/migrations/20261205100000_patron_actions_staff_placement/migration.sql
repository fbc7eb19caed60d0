-- Staff place reservations for a patron who phones or comes to the counter (issue 13, item 1; R-STAFF-1):
-- how the request reached the library. The member of staff who placed it is the staff act's (staff_action).
-- AlterTable
ALTER TABLE "reservation" ADD COLUMN     "placedChannel" TEXT NOT NULL DEFAULT 'opac';
