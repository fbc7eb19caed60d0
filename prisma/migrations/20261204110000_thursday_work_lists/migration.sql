-- Work lists of Thursday processing (R-COOP-2): the bags each run packed, stored with the run so that
-- their labels and transit slips can be printed again (PackedBag in src/activities/thursday-decisions.ts).
-- AlterTable
ALTER TABLE "thursday_run" ADD COLUMN     "packedBags" JSONB NOT NULL DEFAULT '[]';

-- Runs recorded before: their bags, from the loans they made (loan.bag, one per patron and library).
UPDATE "thursday_run" t SET "packedBags" = COALESCE((
  SELECT jsonb_agg(b."bag" ORDER BY b."first", b."code")
  FROM (
    SELECT l."bag" AS "code", MIN(r."securedAt") AS "first",
      jsonb_build_object(
        'bag', l."bag",
        'place', MIN(r."pickupPlaceCode"),
        'patronId', MIN(l."patronId"::text),
        'pickupFrom', to_char(MIN(r."pickupFrom"), 'YYYY-MM-DD'),
        'pickupUntil', to_char(MIN(r."pickupUntil"), 'YYYY-MM-DD'),
        'items', jsonb_agg(
          jsonb_build_object('reservationId', r."id", 'itemNumber', l."itemNumber", 'titleId', r."titleId")
          ORDER BY r."securedAt", r."id")
      ) AS "bag"
    FROM "loan" l JOIN "reservation" r ON r."id" = l."reservationId"
    WHERE l."bag" IS NOT NULL AND l."lentOn" = t."processingDate"
    GROUP BY l."bag"
  ) b
), '[]'::jsonb)
WHERE t."bags" > 0;
