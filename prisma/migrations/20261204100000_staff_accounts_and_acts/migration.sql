-- Staff accounts (issue 10, part 3): each member of staff signs in with an account of their own
-- (sessions stored as SHA-256 of their tokens), and every staff act is recorded with who did it.
-- CreateEnum
CREATE TYPE "staff_role" AS ENUM ('counter', 'admin');

-- CreateEnum
CREATE TYPE "staff_action_outcome" AS ENUM ('pending', 'done', 'refused');

-- CreateTable
CREATE TABLE "staff_account" (
    "id" UUID NOT NULL,
    "staffNumber" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "role" "staff_role" NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "mustChangePassword" BOOLEAN NOT NULL DEFAULT true,
    "passwordChangedAt" TIMESTAMP(3),
    "disabledAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "staff_account_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "staff_session" (
    "id" UUID NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "staffAccountId" UUID NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "lastSeenAt" TIMESTAMP(3) NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "staff_session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "staff_action" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "finishedAt" TIMESTAMP(3),
    "actorKind" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "actorName" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "reservationId" TEXT,
    "itemNumber" TEXT,
    "cardNumber" TEXT,
    "details" JSONB,
    "outcome" "staff_action_outcome" NOT NULL DEFAULT 'pending',
    "rule" TEXT,
    "problem" TEXT,

    CONSTRAINT "staff_action_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "staff_account_staffNumber_key" ON "staff_account"("staffNumber");

-- CreateIndex
CREATE UNIQUE INDEX "staff_session_tokenHash_key" ON "staff_session"("tokenHash");

-- CreateIndex
CREATE INDEX "staff_session_staffAccountId_idx" ON "staff_session"("staffAccountId");

-- CreateIndex
CREATE INDEX "staff_action_reservationId_idx" ON "staff_action"("reservationId");

-- CreateIndex
CREATE INDEX "staff_action_at_idx" ON "staff_action"("at");

-- AddForeignKey
ALTER TABLE "staff_session" ADD CONSTRAINT "staff_session_staffAccountId_fkey" FOREIGN KEY ("staffAccountId") REFERENCES "staff_account"("id") ON DELETE CASCADE ON UPDATE CASCADE;
