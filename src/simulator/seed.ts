// The scenario's starting point, written to the (fresh) database: patrons, titles with their copies,
// and the loans that already exist. Scenario ids are kept where the schema lets them be ids (titles,
// items, reservations); patrons have uuids, so their scenario id becomes the card number (利用者番号)
// and the returned map translates.
import type { Db } from '../db/client';
import { insertExistingLoan } from '../db/existing-loan';
import type { MaterialType as DbMaterialType, ItemStatus as DbItemStatus } from '../generated/prisma/enums';
import type { Scenario } from './scenario';

const MATERIAL: Record<Scenario['titles'][number]['copies'][number]['type'], DbMaterialType> = {
  図書: 'BOOK',
  デイジー: 'DAISY',
  雑誌: 'MAGAZINE',
  視聴覚: 'AUDIOVISUAL',
};

/** 書架 / 禁帯 / 貸出〇〇 (R-ITEM-2) → the database's status and loan category (the 〇〇). */
function itemStatus(text: string): { status: DbItemStatus; loanCategory: string | null } {
  if (text === '禁帯') return { status: 'NOT_FOR_LOAN', loanCategory: null };
  if (text.startsWith('貸出')) return { status: 'ON_LOAN', loanCategory: text.slice('貸出'.length) };
  return { status: 'ON_SHELF', loanCategory: null };
}

/** Writes the scenario's patrons, titles and loans; returns scenario patron id → database uuid. */
export async function seedScenario(db: Db, s: Scenario): Promise<Map<string, string>> {
  const patronIds = new Map<string, string>();
  for (const p of s.patrons) {
    const row = await db.patron.create({
      data: { cardNumber: p.id, name: p.name, email: p.email ?? null, loanLimit: p.loanLimit ?? 10, usualLibraryNo: p.usualLibrary ?? null },
    });
    patronIds.set(p.id, row.id);
  }
  for (const t of s.titles) {
    await db.title.create({
      data: {
        id: t.id,
        title: t.title,
        items: { create: t.copies.map((c) => ({ itemNumber: c.item, materialType: MATERIAL[c.type], ...itemStatus(c.status) })) },
      },
    });
  }
  for (const l of s.loans) await insertExistingLoan(db, { itemNumber: l.item, patronId: patronIds.get(l.patron)!, due: l.due });
  return patronIds;
}
