/** Types of the fields a `conditions` / `orderBy` / `fields` path may name (reference paths included). */
export const fieldTypes = ['string', 'number', 'boolean', 'datetime'] as const;
export type FieldType = (typeof fieldTypes)[number];

/** Field paths of one entity, lower-cased (`company/id`), with their types. */
export type FieldTypes = ReadonlyMap<string, FieldType>;

export function fieldTypeMap(entries: Record<string, FieldType>): FieldTypes {
  return new Map(Object.entries(entries).map(([path, type]) => [path.toLowerCase(), type]));
}

/** The value at a `/` path, keys matched case-insensitively; arrays yield every element's value. */
export function valuesAt(record: unknown, path: string): unknown[] {
  let current: unknown[] = [record];
  for (const segment of path.split('/')) {
    const next: unknown[] = [];
    const lower = segment.toLowerCase();
    for (const value of current) {
      const items = Array.isArray(value) ? (value as unknown[]) : [value];
      for (const item of items) {
        if (item === null || typeof item !== 'object') continue;
        const key = Object.keys(item).find((k) => k.toLowerCase() === lower);
        if (key !== undefined) next.push((item as Record<string, unknown>)[key]);
      }
    }
    current = next;
  }
  return current.flatMap((v) => (Array.isArray(v) ? (v as unknown[]) : [v]));
}
