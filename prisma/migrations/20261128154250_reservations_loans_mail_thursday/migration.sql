-- CreateEnum
CREATE TYPE "reservation_status" AS ENUM ('APPLIED', 'WAITING', 'SECURED', 'READY', 'IN_DELIVERY', 'ON_LOAN', 'RETURNED', 'CANCELLED', 'RELEASED');

-- CreateEnum
CREATE TYPE "loan_state" AS ENUM ('ACTIVE', 'RETURNED_IN_TRANSIT', 'CLOSED', 'UNDONE');

-- CreateEnum
CREATE TYPE "mail_state" AS ENUM ('PENDING', 'SENDING', 'SENT', 'SKIPPED', 'FAILED');

-- AlterTable
ALTER TABLE "title" ADD COLUMN     "queueVersion" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "reservation" (
    "id" TEXT NOT NULL,
    "patronId" UUID NOT NULL,
    "titleId" TEXT NOT NULL,
    "pickupPlaceCode" TEXT NOT NULL,
    "status" "reservation_status" NOT NULL DEFAULT 'APPLIED',
    "queueSeq" INTEGER,
    "placedWhileOnShelf" BOOLEAN NOT NULL DEFAULT false,
    "itemNumber" TEXT,
    "usualLibraryNo" INTEGER,
    "usualLibraryWasClosed" BOOLEAN NOT NULL DEFAULT false,
    "dispatchFailures" INTEGER NOT NULL DEFAULT 0,
    "placedAt" TIMESTAMP(3) NOT NULL,
    "securedAt" TIMESTAMP(3),
    "pickupFrom" DATE,
    "pickupUntil" DATE,
    "endedAt" TIMESTAMP(3),
    "endReason" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "reservation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "reservation_transition" (
    "id" BIGSERIAL NOT NULL,
    "reservationId" TEXT NOT NULL,
    "status" "reservation_status" NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "note" TEXT,

    CONSTRAINT "reservation_transition_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "loan" (
    "id" UUID NOT NULL,
    "itemNumber" TEXT NOT NULL,
    "patronId" UUID NOT NULL,
    "reservationId" TEXT,
    "state" "loan_state" NOT NULL DEFAULT 'ACTIVE',
    "lentAt" TIMESTAMP(3),
    "lentOn" DATE NOT NULL,
    "due" DATE NOT NULL,
    "renewals" INTEGER NOT NULL DEFAULT 0,
    "returnedOn" DATE,
    "returnedAt" TEXT,
    "checkedInAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "loan_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "mail_outbox" (
    "id" BIGSERIAL NOT NULL,
    "key" TEXT NOT NULL,
    "reservationId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "to" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "holdFrom" DATE NOT NULL,
    "holdUntil" DATE NOT NULL,
    "state" "mail_state" NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "providerId" TEXT,
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" TIMESTAMP(3),

    CONSTRAINT "mail_outbox_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "thursday_run" (
    "processingDate" DATE NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "finishedAt" TIMESTAMP(3),
    "processed" INTEGER NOT NULL DEFAULT 0,
    "dispatched" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "released" INTEGER NOT NULL DEFAULT 0,
    "rebalanced" INTEGER NOT NULL DEFAULT 0,
    "outcomes" JSONB NOT NULL DEFAULT '[]',

    CONSTRAINT "thursday_run_pkey" PRIMARY KEY ("processingDate")
);

-- CreateIndex
CREATE INDEX "reservation_titleId_status_queueSeq_idx" ON "reservation"("titleId", "status", "queueSeq");

-- CreateIndex
CREATE INDEX "reservation_patronId_status_idx" ON "reservation"("patronId", "status");

-- CreateIndex
CREATE INDEX "reservation_pickupPlaceCode_status_idx" ON "reservation"("pickupPlaceCode", "status");

-- CreateIndex
CREATE INDEX "reservation_status_idx" ON "reservation"("status");

-- CreateIndex
CREATE UNIQUE INDEX "reservation_transition_reservationId_status_at_key" ON "reservation_transition"("reservationId", "status", "at");

-- CreateIndex
CREATE UNIQUE INDEX "loan_reservationId_key" ON "loan"("reservationId");

-- CreateIndex
CREATE INDEX "loan_patronId_state_idx" ON "loan"("patronId", "state");

-- CreateIndex
CREATE INDEX "loan_itemNumber_state_idx" ON "loan"("itemNumber", "state");

-- CreateIndex
CREATE UNIQUE INDEX "mail_outbox_key_key" ON "mail_outbox"("key");

-- CreateIndex
CREATE INDEX "mail_outbox_state_idx" ON "mail_outbox"("state");

-- AddForeignKey
ALTER TABLE "reservation" ADD CONSTRAINT "reservation_patronId_fkey" FOREIGN KEY ("patronId") REFERENCES "patron"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "reservation" ADD CONSTRAINT "reservation_titleId_fkey" FOREIGN KEY ("titleId") REFERENCES "title"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "reservation" ADD CONSTRAINT "reservation_pickupPlaceCode_fkey" FOREIGN KEY ("pickupPlaceCode") REFERENCES "pickup_place"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "reservation" ADD CONSTRAINT "reservation_itemNumber_fkey" FOREIGN KEY ("itemNumber") REFERENCES "item"("itemNumber") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "reservation_transition" ADD CONSTRAINT "reservation_transition_reservationId_fkey" FOREIGN KEY ("reservationId") REFERENCES "reservation"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "loan" ADD CONSTRAINT "loan_itemNumber_fkey" FOREIGN KEY ("itemNumber") REFERENCES "item"("itemNumber") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "loan" ADD CONSTRAINT "loan_patronId_fkey" FOREIGN KEY ("patronId") REFERENCES "patron"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "loan" ADD CONSTRAINT "loan_reservationId_fkey" FOREIGN KEY ("reservationId") REFERENCES "reservation"("id") ON DELETE SET NULL ON UPDATE CASCADE;
