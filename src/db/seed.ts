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
    await tx.pickupPlace.upsert({
      where: { code: PREFECTURAL_LIBRARY.code },
      create: { code: PREFECTURAL_LIBRARY.code, kind: 'PREFECTURAL', label: PREFECTURAL_LIBRARY.label },
      update: { label: PREFECTURAL_LIBRARY.label },
    });
    for (const lib of libraries) {
      const data = { region: lib.region, municipality: lib.municipality, name: lib.name, note: lib.note };
      // isOpen is operational state staff change; reseeding must not reopen a closed library.
      await tx.cooperatingLibrary.upsert({ where: { no: lib.no }, create: { no: lib.no, ...data }, update: data });
      const place = { kind: 'COOPERATING' as const, label: displayName(lib), cooperatingLibraryNo: lib.no };
      await tx.pickupPlace.upsert({ where: { code: coopPlaceCode(lib.no) }, create: { code: coopPlaceCode(lib.no), ...place }, update: place });
    }
  });
  return { cooperatingLibraries: libraries.length };
}
