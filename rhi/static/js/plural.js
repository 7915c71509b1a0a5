// "1 interview", "3 interviews": the bar, the PIN dialog and the upload's messages.
export const plural = (n, one, many) => (n === 1 ? `1 ${one}` : `${n} ${many}`);
