-- Closed days (R-CLOSED-1): one row per place ("pref" or a cooperating library's number) and day.
-- CreateTable
CREATE TABLE "closed_day" (
    "library" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "note" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "closed_day_pkey" PRIMARY KEY ("library","day")
);

-- CreateIndex
CREATE INDEX "closed_day_day_idx" ON "closed_day"("day");
