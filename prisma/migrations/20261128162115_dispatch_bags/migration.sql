-- AlterTable
ALTER TABLE "loan" ADD COLUMN     "bag" TEXT;

-- AlterTable
ALTER TABLE "thursday_run" ADD COLUMN     "bags" INTEGER NOT NULL DEFAULT 0;
