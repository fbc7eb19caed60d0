// DEMO DATA — a small made-up catalogue and made-up patrons, so that a fresh `npm start` has something
// to reserve. Not the library's records: every id starts with "DEMO-", every title with 【デモ】, every
// patron is デモ利用者 with an address at example.com (a domain reserved for examples, RFC 2606).
//
// `npm start` seeds it into the database it runs itself (LENDING_DEMO_DATA decides; see README
// "Configuration"), never into a DATABASE_URL unless asked. Idempotent: it creates what is missing and
// leaves alone what the service has changed since (a copy's status, a patron's limits or e-mail), so it
// runs at every start. The data below is plain values; only seedDemoData touches the database.
import type { Db } from './client';

export const DEMO_PREFIX = 'DEMO-';

export interface DemoTitle {
  id: string;
  title: string;
  author: string;
  /** Why this title is in the demo: what a reservation of it shows. */
  shows: string;
  /** 請求記号 and 配架場所 of its copies, as the pull list shows them. */
  shelf?: { callNumber: string; shelfLocation: string };
  items: { itemNumber: string; materialType: 'BOOK' | 'DAISY' | 'MAGAZINE' | 'AUDIOVISUAL'; status?: 'ON_SHELF' | 'NOT_FOR_LOAN' }[];
}

export interface DemoPatron {
  cardNumber: string;
  name: string;
  email: string | null;
  /** The patron's usual cooperating library (協力館 number), if any. */
  usualLibraryNo: number | null;
}

export const DEMO_TITLES: readonly DemoTitle[] = [
  {
    id: 'DEMO-T001',
    title: '【デモ】津軽',
    author: '太宰治',
    shows:
      'one copy on the shelf: the first reservation is 確保待ち with the copy on the pull list until staff scan it, the next ones queue (予約順位)',
    shelf: { callNumber: '913.6/ダザ', shelfLocation: '2階 一般開架' },
    items: [{ itemNumber: 'DEMO-I0001', materialType: 'BOOK' }],
  },
  {
    id: 'DEMO-T002',
    title: '【デモ】銀河鉄道の夜',
    author: '宮沢賢治',
    shows: 'two copies on the shelf',
    shelf: { callNumber: '913.6/ミヤ', shelfLocation: '2階 一般開架' },
    items: [
      { itemNumber: 'DEMO-I0002', materialType: 'BOOK' },
      { itemNumber: 'DEMO-I0003', materialType: 'BOOK' },
    ],
  },
  {
    id: 'DEMO-T003',
    title: '【デモ】吾輩は猫である',
    author: '夏目漱石',
    shows: 'one copy on the shelf',
    items: [{ itemNumber: 'DEMO-I0004', materialType: 'BOOK' }],
  },
  {
    id: 'DEMO-T004',
    title: '【デモ】羅生門 (デイジー)',
    author: '芥川龍之介',
    shows: 'a DAISY recording: reservable like a book (R-ITEM-1)',
    items: [{ itemNumber: 'DEMO-I0005', materialType: 'DAISY' }],
  },
  {
    id: 'DEMO-T005',
    title: '【デモ】青森県史 資料編',
    author: '青森県史編さん委員会',
    shows: 'reference only (禁帯): a reservation is refused (R-ITEM-2)',
    items: [{ itemNumber: 'DEMO-I0006', materialType: 'BOOK', status: 'NOT_FOR_LOAN' }],
  },
  {
    id: 'DEMO-T006',
    title: '【デモ】月刊 あおもり (雑誌)',
    author: 'デモ出版',
    shows: 'a magazine: a reservation is refused (R-ITEM-1)',
    items: [{ itemNumber: 'DEMO-I0007', materialType: 'MAGAZINE' }],
  },
];

export const DEMO_PATRONS: readonly DemoPatron[] = [
  { cardNumber: 'DEMO-0001', name: 'デモ利用者 一', email: 'demo-0001@example.com', usualLibraryNo: 30 },
  { cardNumber: 'DEMO-0002', name: 'デモ利用者 二', email: 'demo-0002@example.com', usualLibraryNo: 1 },
  { cardNumber: 'DEMO-0003', name: 'デモ利用者 三', email: 'demo-0003@example.com', usualLibraryNo: null },
  // No e-mail address: a reservation is refused until one is registered (R-ACCOUNT-1).
  { cardNumber: 'DEMO-0004', name: 'デモ利用者 四 (メール未登録)', email: null, usualLibraryNo: null },
];

/** Creates the demo titles, copies and patrons that are missing; returns how many of each exist. */
export async function seedDemoData(db: Db): Promise<{ titles: number; items: number; patrons: number }> {
  await db.$transaction(async (tx) => {
    // Compared first, written only where missing or different: nothing on a restart.
    const [titles, items, patrons] = await Promise.all([
      tx.title.findMany({ where: { id: { startsWith: DEMO_PREFIX } } }),
      tx.item.findMany({ where: { itemNumber: { startsWith: DEMO_PREFIX } }, select: { itemNumber: true } }),
      tx.patron.findMany({ where: { cardNumber: { startsWith: DEMO_PREFIX } }, select: { cardNumber: true } }),
    ]);
    const titleById = new Map(titles.map((t) => [t.id, t]));
    const haveItem = new Set(items.map((i) => i.itemNumber));
    const havePatron = new Set(patrons.map((p) => p.cardNumber));
    for (const t of DEMO_TITLES) {
      const existing = titleById.get(t.id);
      if (!existing) await tx.title.create({ data: { id: t.id, title: t.title, author: t.author } });
      else if (existing.title !== t.title || existing.author !== t.author)
        await tx.title.update({ where: { id: t.id }, data: { title: t.title, author: t.author } });
      for (const item of t.items) {
        // A copy's status belongs to the service once it exists (it may be on loan): create only.
        if (!haveItem.has(item.itemNumber)) {
          await tx.item.create({
            data: { itemNumber: item.itemNumber, titleId: t.id, materialType: item.materialType, status: item.status ?? 'ON_SHELF', ...t.shelf },
          });
        }
      }
    }
    for (const p of DEMO_PATRONS) {
      // Limits, e-mail and password belong to the patron and the staff once the row exists: create only.
      if (!havePatron.has(p.cardNumber)) {
        await tx.patron.create({ data: { cardNumber: p.cardNumber, name: p.name, email: p.email, usualLibraryNo: p.usualLibraryNo } });
      }
    }
  });
  return {
    titles: DEMO_TITLES.length,
    items: DEMO_TITLES.reduce((n, t) => n + t.items.length, 0),
    patrons: DEMO_PATRONS.length,
  };
}
