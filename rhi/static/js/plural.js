// "1 interview", "3 interviews": the bar, the PIN dialog and the upload's messages.
export const plural = (n, one, many) => (n === 1 ? `1 ${one}` : `${n} ${many}`);

// "45 seconds", "3 minutes": a time in words, rounded as the caller says: down where someone is
// told how long they have (never more than they have), up where told how long to wait (never
// less). Minutes from `minutesFrom` seconds on. The idle warning and the PIN dialog.
export function timeInWords(ms, { round, minutesFrom = 60 }) {
  const seconds = Math.max(0, round(ms / 1000));
  if (seconds < minutesFrom) return plural(seconds, "second", "seconds");
  return plural(round(seconds / 60), "minute", "minutes");
}
