// The zod schemas of the staff's work at the shelf (R-STATUS-1): the pull list, the scan, "not on the
// shelf", and the hold slip a scan or a check-in gives.
import { z } from 'zod';
import { HoldSlipSchema, ItemNumber, JstInstant, PlaceRef } from './schemas';

export const PullListEntrySchema = z
  .object({
    itemNumber: z.string().meta({ description: '資料番号' }),
    callNumber: z.string().nullable().meta({ description: '請求記号, when the catalogue gives it' }),
    shelfLocation: z.string().nullable().meta({ description: '配架場所, when the catalogue gives it' }),
    titleId: z.string(),
    title: z.string().meta({ description: '書名' }),
    pickup: PlaceRef.nullable().meta({ description: '受取場所 of the reservation the copy would go to if scanned now' }),
    listedAt: JstInstant.meta({ description: 'Since when the copy has been on the list' }),
    secondLook: z.boolean().meta({ description: 'Not found on the shelf once already; not found again → 不明' }),
    late: z.boolean().meta({ description: 'On the list longer than PULL_ALERT_HOURS (default 24): staff should look at it' }),
  })
  .meta({ description: 'One copy on the pull list' });

export const PullList = z.object({
  entries: z.array(PullListEntrySchema).meta({ description: '取置作業リスト, oldest first' }),
  late: z.int().meta({ description: 'How many entries are late' }),
});

export const ScanBody = z.strictObject({ itemNumber: ItemNumber });

export const ScanResult = z.object({ slip: HoldSlipSchema });
export const NotOnShelfResult = z.object({
  itemNumber: z.string(),
  missing: z.boolean().meta({ description: 'Not found twice: marked 不明 and off the list until a check-in finds it' }),
});
