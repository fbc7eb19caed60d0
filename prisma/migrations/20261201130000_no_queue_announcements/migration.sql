-- The place in a title's queue is read from the records (queueSeq) by whoever shows it; workflows are
-- no longer told of every queue change, so the version that ordered those announcements goes.
-- AlterTable
ALTER TABLE "title" DROP COLUMN "queueVersion";
