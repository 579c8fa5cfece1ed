/**
 * Lexical variety of a set of captions: vocabulary size (distinct words) and
 * the distinct-bigram ratio (distinct word pairs / all word pairs, within each
 * caption). A template captioner that says the same thing every time scores a
 * low ratio; word salad scores a high one, so read it with the examples.
 */

export interface CaptionStats {
  captions: number;
  vocabulary: number;
  bigrams: number;
  distinctBigrams: number;
  distinctBigramRatio: number;
}

/** Lower-case words of a caption, without punctuation or a bracketed tag. */
export function captionWords(text: string): string[] {
  return text.toLowerCase().replace(/\[[^\]]*\]/g, " ").match(/[a-z][a-z'-]*/g) ?? [];
}

export function captionStats(texts: readonly string[]): CaptionStats {
  const vocabulary = new Set<string>();
  const distinct = new Set<string>();
  let bigrams = 0;
  for (const text of texts) {
    const words = captionWords(text);
    for (const w of words) vocabulary.add(w);
    for (let i = 1; i < words.length; i++) {
      distinct.add(`${words[i - 1]} ${words[i]}`);
      bigrams++;
    }
  }
  return {
    captions: texts.length,
    vocabulary: vocabulary.size,
    bigrams,
    distinctBigrams: distinct.size,
    distinctBigramRatio: bigrams ? distinct.size / bigrams : 0,
  };
}
