/**
 * RFC 3339 timestamps with a zone (`Z` or `±hh:mm`), as the contract decides. Anything else,
 * including a timestamp without a zone or an impossible date, is invalid.
 */
const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|([+-])(\d{2}):(\d{2}))$/;

/** Epoch milliseconds of a valid RFC 3339 timestamp, or `null`. */
export function parseRfc3339(value: string): number | null {
  if (value.length > 40) return null;
  const m = RFC3339.exec(value);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac, zone, sign, zh, zm] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 60) return null;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > daysInMonth) return null;
  let offsetMinutes = 0;
  if (zone !== 'Z' && zone !== 'z') {
    const oh = Number(zh);
    const om = Number(zm);
    if (oh > 23 || om > 59) return null;
    offsetMinutes = (oh * 60 + om) * (sign === '-' ? -1 : 1);
  }
  // A leap second (:60) is folded onto the next second; ordering is what matters here.
  const ms = frac ? Math.floor(Number(`0${frac}`) * 1000) : 0;
  const utc = Date.UTC(year, month - 1, day, hour, minute, 0, 0) + second * 1000 + ms;
  return utc - offsetMinutes * 60_000;
}
