// The admin's screens' texts: `zh` first, `en` with the same keys (the type checks it).
export const zh = {}

export const en: typeof zh = {}
