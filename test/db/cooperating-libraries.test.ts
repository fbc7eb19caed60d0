// The 59 cooperating libraries (協力館一覧, 2026-04-01) are reference data every installation needs.
import { createTestDatabase, type TestDatabase } from '../support/database';
import { seedReferenceData } from '../../src/db/seed';
import { loadCooperatingLibraries, parseCsv } from '../../src/db/cooperating-libraries';

describe('cooperating libraries seed', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase('migrated');
  });
  afterAll(async () => t?.drop());

  test('all 59 are loaded, numbered 1…59, each with its region and municipality', async () => {
    const libs = await t.db.cooperatingLibrary.findMany({ orderBy: { no: 'asc' } });
    expect(libs.map((l) => l.no)).toEqual(Array.from({ length: 59 }, (_, i) => i + 1));
    for (const lib of libs) {
      expect(lib.region).not.toBe('');
      expect(lib.municipality).not.toBe('');
    }
  });

  test('regions hold the numbers the guide lists under them', async () => {
    const libs = await t.db.cooperatingLibrary.findMany({ orderBy: { no: 'asc' } });
    const byRegion = new Map<string, number[]>();
    for (const l of libs) byRegion.set(l.region, [...(byRegion.get(l.region) ?? []), l.no]);
    const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);
    expect(Object.fromEntries(byRegion)).toEqual({
      東青: range(1, 6),
      西北五: range(7, 18),
      中弘南黒: range(19, 29),
      上十三: range(30, 40),
      むつ下北: range(41, 49),
      三八: range(50, 59),
    });
  });

  test('rows a librarian would check: municipality, name and corrected misreadings', async () => {
    const get = (no: number) => t.db.cooperatingLibrary.findUniqueOrThrow({ where: { no } });
    expect(await get(1)).toMatchObject({ region: '東青', municipality: '青森市', name: '青森市浪岡中央公民館' });
    expect(await get(12)).toMatchObject({ municipality: '鰺ヶ沢町', name: '日本海拠点館' });
    expect(await get(24)).toMatchObject({ municipality: '平川市', name: '平川市碇ヶ関公民館' });
    expect(await get(30)).toMatchObject({ region: '上十三', municipality: '十和田市', name: '十和田市民図書館' });
    expect(await get(41)).toMatchObject({ region: 'むつ下北', municipality: '六ヶ所村', name: '六ヶ所村民図書館' });
    expect(await get(59)).toMatchObject({ region: '三八', municipality: '新郷村', name: '新郷村教育委員会 (山村開発センター)' });
  });

  test('the three libraries whose name the guide omits keep a note and show their municipality as pickup label', async () => {
    const missing = await t.db.cooperatingLibrary.findMany({ where: { name: null }, orderBy: { no: 'asc' }, include: { pickupPlace: true } });
    expect(missing.map((l) => [l.no, l.municipality, l.pickupPlace?.label])).toEqual([
      [46, '大間町', '大間町'],
      [48, '風間浦村', '風間浦村'],
      [50, '八戸市', '八戸市'],
    ]);
    for (const l of missing) expect(l.note).toMatch(/facility name is missing/);
  });

  test('pickup places: the prefectural library and one per cooperating library', async () => {
    const places = await t.db.pickupPlace.findMany();
    expect(places).toHaveLength(60);
    expect(places.find((p) => p.code === 'pref')).toMatchObject({ kind: 'PREFECTURAL', label: '青森県立図書館' });
    expect(places.find((p) => p.code === 'coop:30')).toMatchObject({ kind: 'COOPERATING', cooperatingLibraryNo: 30, label: '十和田市民図書館' });
  });

  test('seeding again changes nothing and does not reopen a library staff closed', async () => {
    await t.db.cooperatingLibrary.update({ where: { no: 7 }, data: { isOpen: false } });
    await seedReferenceData(t.db);
    expect(await t.db.cooperatingLibrary.count()).toBe(59);
    expect(await t.db.pickupPlace.count()).toBe(60);
    expect((await t.db.cooperatingLibrary.findUniqueOrThrow({ where: { no: 7 } })).isOpen).toBe(false);
  });

  test('seeding writes back what differs from the list (the seed compares before it writes)', async () => {
    const lib = loadCooperatingLibraries().find((l) => l.no === 30)!;
    await t.db.cooperatingLibrary.update({ where: { no: 30 }, data: { name: 'changed by hand' } });
    await t.db.pickupPlace.update({ where: { code: 'coop:30' }, data: { label: 'changed by hand' } });
    await t.db.pickupPlace.delete({ where: { code: 'coop:31' } });
    await seedReferenceData(t.db);
    expect((await t.db.cooperatingLibrary.findUniqueOrThrow({ where: { no: 30 } })).name).toBe(lib.name);
    expect((await t.db.pickupPlace.findUniqueOrThrow({ where: { code: 'coop:30' } })).label).toBe(lib.name);
    expect(await t.db.pickupPlace.findUnique({ where: { code: 'coop:31' } })).not.toBeNull();
    expect(await t.db.pickupPlace.count()).toBe(60);
  });
});

describe('the project copy of the list', () => {
  test('parses with the header no,region,municipality,name,note', () => {
    const rows = loadCooperatingLibraries();
    expect(rows).toHaveLength(59);
  });

  test('CSV parser keeps quoted commas, quotes and line breaks', () => {
    expect(parseCsv('a,"b,c","d""e"\r\n1,"x\ny",\n')).toEqual([
      ['a', 'b,c', 'd"e'],
      ['1', 'x\ny', ''],
    ]);
  });
});
