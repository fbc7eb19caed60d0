-- Securing a shelf copy is a staff act (R-STATUS-1): the pull list (取置作業リスト), the copy's shelf
-- mark, and 不明 for a copy not found twice.
-- AlterEnum
ALTER TYPE "item_status" ADD VALUE '不明';

-- CreateEnum
CREATE TYPE "pull_state" AS ENUM ('OPEN', 'PULLED', 'NOT_ON_SHELF', 'WALKED_IN', 'WITHDRAWN');

-- AlterTable
ALTER TABLE "item" ADD COLUMN     "callNumber" TEXT,
ADD COLUMN     "notOnShelfCount" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "shelfLocation" TEXT;

-- CreateTable
CREATE TABLE "pull_list_entry" (
    "id" BIGSERIAL NOT NULL,
    "itemNumber" TEXT NOT NULL,
    "titleId" TEXT NOT NULL,
    "state" "pull_state" NOT NULL DEFAULT 'OPEN',
    "listedAt" TIMESTAMP(3) NOT NULL,
    "closedAt" TIMESTAMP(3),

    CONSTRAINT "pull_list_entry_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "pull_list_entry_state_listedAt_idx" ON "pull_list_entry"("state", "listedAt");

-- CreateIndex
CREATE INDEX "pull_list_entry_titleId_state_idx" ON "pull_list_entry"("titleId", "state");

-- CreateIndex
CREATE INDEX "pull_list_entry_itemNumber_state_idx" ON "pull_list_entry"("itemNumber", "state");

-- AddForeignKey
ALTER TABLE "pull_list_entry" ADD CONSTRAINT "pull_list_entry_itemNumber_fkey" FOREIGN KEY ("itemNumber") REFERENCES "item"("itemNumber") ON DELETE RESTRICT ON UPDATE CASCADE;
