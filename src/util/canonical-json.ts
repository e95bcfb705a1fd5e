/** JSON with object keys sorted and undefined fields and empty label/annotation maps dropped. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(canonicalize(value));
}

function canonicalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonicalize);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const field = (value as Record<string, unknown>)[key];
    if (field === undefined) continue;
    // An empty map and a missing map mean the same template; treat them alike so the hash is stable.
    if (field !== null && typeof field === 'object' && !Array.isArray(field) && Object.keys(field).length === 0) {
      continue;
    }
    out[key] = canonicalize(field);
  }
  return out;
}
