// upload.getFile's rules for a request: offset divisible by 4 KiB, limit divisible by 4 KiB and
// dividing 1 MiB, and no request crossing a 1 MiB boundary. Choosing limit as the largest power of
// two that divides the offset satisfies all three, so a download can resume at any 4 KiB boundary.

export const CHUNK_ALIGNMENT = 4096;
export const MAX_CHUNK = 1024 * 1024;

/** Where a download resumes given the bytes already in its .part file. */
export const resumeOffset = (partBytes: number): number =>
  Math.floor(partBytes / CHUNK_ALIGNMENT) * CHUNK_ALIGNMENT;

/** The request for the next chunk at `offset`, at most `preferred` bytes. */
export function chunkRequest(offset: number, preferred = MAX_CHUNK): { offset: number; limit: number } {
  if (offset % CHUNK_ALIGNMENT !== 0) throw new RangeError(`offset ${offset} is not 4 KiB aligned`);
  let limit = CHUNK_ALIGNMENT;
  const cap = Math.min(MAX_CHUNK, Math.max(CHUNK_ALIGNMENT, preferred));
  while (limit * 2 <= cap && offset % (limit * 2) === 0) limit *= 2;
  return { offset, limit };
}
