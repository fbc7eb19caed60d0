// Reference data every installation needs: the prefectural library and the 59 cooperating
// libraries as pickup places. Idempotent (upserts), so it runs on every start and after migrations.
import type { Db } from './client';
import { displayName, loadCooperatingLibraries } from './cooperating-libraries';

export const PREFECTURAL_LIBRARY = { code: 'pref', label: '青森県立図書館' } as const;

export function coopPlaceCode(no: number): string {
  return `coop:${no}`;
}

export async function seedReferenceData(db: Db): Promise<{ cooperatingLibraries: number }> {
  const libraries = loadCooperatingLibraries();
  await db.$transaction(async (tx) => {
    // Only what differs is written: on a restart (`npm start` seeds at every start) that is nothing,
    // instead of some 120 round trips.
    const [places, coops] = await Promise.all([tx.pickupPlace.findMany(), tx.cooperatingLibrary.findMany()]);
    const placeByCode = new Map(places.map((p) => [p.code, p]));
    const coopByNo = new Map(coops.map((c) => [c.no, c]));
    const pref = placeByCode.get(PREFECTURAL_LIBRARY.code);
    if (!pref || pref.label !== PREFECTURAL_LIBRARY.label || pref.kind !== 'PREFECTURAL') {
      await tx.pickupPlace.upsert({
        where: { code: PREFECTURAL_LIBRARY.code },
        create: { code: PREFECTURAL_LIBRARY.code, kind: 'PREFECTURAL', label: PREFECTURAL_LIBRARY.label },
        update: { label: PREFECTURAL_LIBRARY.label },
      });
    }
    for (const lib of libraries) {
      const data = { region: lib.region, municipality: lib.municipality, name: lib.name, note: lib.note };
      const coop = coopByNo.get(lib.no);
      // isOpen is operational state staff change; reseeding must not reopen a closed library.
      if (!coop || coop.region !== data.region || coop.municipality !== data.municipality || coop.name !== data.name || coop.note !== data.note) {
        await tx.cooperatingLibrary.upsert({ where: { no: lib.no }, create: { no: lib.no, ...data }, update: data });
      }
      const place = { kind: 'COOPERATING' as const, label: displayName(lib), cooperatingLibraryNo: lib.no };
      const existing = placeByCode.get(coopPlaceCode(lib.no));
      if (
        !existing ||
        existing.kind !== place.kind ||
        existing.label !== place.label ||
        existing.cooperatingLibraryNo !== place.cooperatingLibraryNo
      ) {
        await tx.pickupPlace.upsert({ where: { code: coopPlaceCode(lib.no) }, create: { code: coopPlaceCode(lib.no), ...place }, update: place });
      }
    }
  });
  return { cooperatingLibraries: libraries.length };
}
