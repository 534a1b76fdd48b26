/**
 * Small formatting helpers of the panel.
 */

/** The first 8 hex characters of a `xxh3:` hash; other schemes keep their name. */
export function shortHash(hash: string | null | undefined): string {
  if (!hash) {
    return '';
  }
  const colon = hash.indexOf(':');
  if (colon < 0) {
    return hash.slice(0, 8);
  }
  const scheme = hash.slice(0, colon);
  return scheme === 'xxh3' ? hash.slice(colon + 1, colon + 9) : scheme;
}

/** A duration a person reads at a glance: 12 ms, 1.4 s, 3 min 05 s. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) {
    return '';
  }
  if (ms < 1000) {
    return `${Math.round(ms)} ms`;
  }
  if (ms < 60000) {
    return `${(ms / 1000).toFixed(1)} s`;
  }
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;
}

/** A local time of day for an ISO 8601 timestamp. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) {
    return '';
  }
  const date = new Date(iso);
  return isNaN(date.getTime()) ? iso : date.toLocaleTimeString();
}

/** A type as people read it in a narrow row: its last name (`pandas.DataFrame` -> `DataFrame`). */
export function shortType(type: string): string {
  return type.slice(type.lastIndexOf('.') + 1);
}
