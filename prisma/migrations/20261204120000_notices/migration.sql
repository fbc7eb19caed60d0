-- Notices a patron can count on (issue 12, docs/notices.md): every kind through the mail outbox, one
-- row per reservation, kind and occurrence; the patron's notice preferences; delivery failures that
-- SendGrid's Event Webhook reports, on the notice and on the patron's address (R-MAIL-2); staff resends.
-- AlterTable
ALTER TABLE "patron" ADD COLUMN     "courtesyNotices" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "noticeLanguage" TEXT NOT NULL DEFAULT 'ja',
ADD COLUMN     "mailUndeliverableAddress" TEXT,
ADD COLUMN     "mailUndeliverableEvent" TEXT,
ADD COLUMN     "mailUndeliverableReason" TEXT,
ADD COLUMN     "mailUndeliverableAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "mail_outbox" ALTER COLUMN "holdFrom" DROP NOT NULL,
ALTER COLUMN "holdUntil" DROP NOT NULL,
ADD COLUMN     "occurrence" TEXT,
ADD COLUMN     "language" TEXT NOT NULL DEFAULT 'ja',
ADD COLUMN     "skipReason" TEXT,
ADD COLUMN     "deliveryEvent" TEXT,
ADD COLUMN     "deliveryReason" TEXT,
ADD COLUMN     "deliveryEventAt" TIMESTAMP(3),
ADD COLUMN     "resends" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "resentBy" TEXT;

-- CreateIndex
CREATE INDEX "mail_outbox_reservationId_idx" ON "mail_outbox"("reservationId");

-- CreateIndex
CREATE INDEX "mail_outbox_providerId_idx" ON "mail_outbox"("providerId");
