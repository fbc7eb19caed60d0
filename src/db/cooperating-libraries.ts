// The 59 cooperating libraries (協力館), from the library's guide as of 2026-04-01.
// The data is the project's own copy (prisma/data/cooperating-libraries.csv); three rows have no
// facility name in the guide (nos. 46, 48, 50): staff are to supply them, and until then the
// municipality is shown (see the rows' notes).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CooperatingLibraryRow {
  no: number;
  region: string;
  municipality: string;
  name: string | null;
  note: string | null;
}

export const COOPERATING_LIBRARIES_CSV = join(__dirname, '..', '..', 'prisma', 'data', 'cooperating-libraries.csv');

export function loadCooperatingLibraries(path = COOPERATING_LIBRARIES_CSV): CooperatingLibraryRow[] {
  const [header, ...rows] = parseCsv(readFileSync(path, 'utf8'));
  const expected = ['no', 'region', 'municipality', 'name', 'note'];
  if (!header || header.join(',') !== expected.join(',')) {
    throw new Error(`${path}: expected header ${expected.join(',')}, got ${header?.join(',')}`);
  }
  return rows.map((cells, i) => {
    const [no, region, municipality, name, note] = cells;
    if (!no || !/^\d+$/.test(no) || !region || !municipality) throw new Error(`${path}: line ${i + 2} is incomplete`);
    return { no: Number(no), region, municipality, name: name || null, note: note || null };
  });
}

/** What a patron sees for a pickup place: the facility name, or the municipality where it is missing. */
export function displayName(lib: Pick<CooperatingLibraryRow, 'name' | 'municipality'>): string {
  return lib.name ?? lib.municipality;
}

/** RFC 4180 CSV: quoted fields may hold commas, quotes ("") and line breaks. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => !(r.length === 1 && r[0] === ''));
}
