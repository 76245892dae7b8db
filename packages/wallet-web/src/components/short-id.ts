/** A DID can be hundreds of characters: its start and end are enough to compare by eye. */
export const shortId = (id: string): string =>
  id.length > 60 ? `${id.slice(0, 40)}…${id.slice(-12)}` : id;
