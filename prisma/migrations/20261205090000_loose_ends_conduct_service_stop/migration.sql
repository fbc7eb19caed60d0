-- R-CONDUCT-1: staff stop (and restore) a patron's use of the online service, with a reason.
ALTER TABLE "patron" ADD COLUMN "serviceStoppedAt" TIMESTAMP(3),
ADD COLUMN "serviceStopReason" TEXT;
