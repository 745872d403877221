/**
 * Stable passage id from its content: the same title + text gets the same id in every corpus,
 * file order and subset, so gold ids and cached teacher calls survive re-building a corpus
 * (IRCoT keyed its Elasticsearch documents by a hash of title + text in the same way).
 * 64 bits (two 32-bit multiply-xorshift lanes, the cyrb53 construction): a collision among a
 * million passages has odds of about 3e-8, and corpus building checks for it anyway.
 */
export function passageId(title: string, text: string): string {
  const s = `${title}\u0000${text}`;
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (h2 >>> 0).toString(16).padStart(8, '0') + (h1 >>> 0).toString(16).padStart(8, '0');
}
