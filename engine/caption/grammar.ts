/** Small English helpers for captions: articles, lists, verb agreement, sentence case. */

const AN_EXCEPTIONS = /^(uni|use|usu|one|eu)/;
const AN_SILENT_H = /^(hour|honest|honou?r|heir)/;

/** "a" or "an" for the word that follows. */
export function article(word: string): "a" | "an" {
  const w = word.toLowerCase();
  if (AN_SILENT_H.test(w)) return "an";
  if (AN_EXCEPTIONS.test(w)) return "a";
  return /^[aeiou]/.test(w) ? "an" : "a";
}

/** "red ball" → "a red ball". */
export function withArticle(phrase: string): string {
  return `${article(phrase)} ${phrase}`;
}

/** ["a", "b", "c"] → "a, b and c". */
export function listPhrase(items: readonly string[], conjunction = "and"): string {
  if (items.length <= 1) return items[0] ?? "";
  return `${items.slice(0, -1).join(", ")} ${conjunction} ${items[items.length - 1]}`;
}

/** Third person singular present: "push" → "pushes", "carry" → "carries", "dance" → "dances". */
export function thirdPerson(verb: string): string {
  if (verb === "be") return "is";
  if (verb === "have") return "has";
  if (verb === "do" || verb === "go") return `${verb}es`;
  if (/(s|sh|ch|x|z)$/.test(verb)) return `${verb}es`;
  if (/[^aeiou]y$/.test(verb)) return `${verb.slice(0, -1)}ies`;
  return `${verb}s`;
}

/** First letter upper-case. */
export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** First letter lower-case, unless the first word is an acronym or "I". */
export function decapitalize(text: string): string {
  if (/^(I\b|[A-Z]{2})/.test(text)) return text;
  return text.charAt(0).toLowerCase() + text.slice(1);
}

/** Capitalised, single-spaced, ending in one full stop. */
export function sentence(text: string): string {
  const t = text.replace(/\s+/g, " ").trim().replace(/[.\s]+$/, "");
  return t ? `${capitalize(t)}.` : "";
}

/** Class keys ("coffee_mug") as nouns ("coffee mug"). */
export function noun(cls: string): string {
  return cls.replace(/[_-]+/g, " ").trim().toLowerCase();
}

/** Gerunds whose base form the spelling rules below would get wrong. */
const IRREGULAR_GERUNDS: Readonly<Record<string, string>> = {
  doing: "do",
  being: "be",
  having: "have",
  lying: "lie",
  dying: "die",
  changing: "change",
  opening: "open",
  covering: "cover",
  rotating: "rotate",
  squeezing: "squeeze",
};

/** "running" → "run", "dancing" → "dance", "pushing" → "push", "toppling" → "topple". */
export function baseFromGerund(gerund: string): string {
  const w = gerund.toLowerCase();
  if (IRREGULAR_GERUNDS[w]) return IRREGULAR_GERUNDS[w];
  const stem = w.replace(/ing$/, "");
  // A doubled final consonant was added for the -ing: "runn" → "run" (but "roll", "toss" keep it).
  if (/([bdgmnprt])\1$/.test(stem)) return stem.slice(0, -1);
  // A silent e was dropped: "danc(e)", "wav(e)", "toppl(e)", and one-syllable "mak(e)", "slid(e)".
  if (/(c|v|dg|[^aeiouyl]l)$/.test(stem)) return `${stem}e`;
  if (/^[^aeiouy]*[aeiou][^aeiouwxy]$/.test(stem)) return `${stem}e`;
  return stem;
}

/**
 * A gerund template in the present simple, third person: "dancing an uprock" → "dances an
 * uprock", "Lifting [x], then letting it drop" → "lifts [x], then lets it drop".
 */
export function presentSimple(gerundPhrase: string): string {
  return gerundPhrase.replace(
    /(^|, then |, and then | and )([A-Za-z]+ing)\b/g,
    (_, lead: string, g: string) => `${lead}${thirdPerson(baseFromGerund(g))}`,
  );
}

const NUMBER_WORDS = [
  "no",
  "one",
  "two",
  "three",
  "four",
  "five",
  "six",
  "seven",
  "eight",
  "nine",
  "ten",
  "eleven",
  "twelve",
]; // deno-fmt-ignore

/** 2 → "two"; numbers past twelve stay digits. */
export function numberWord(n: number): string {
  return NUMBER_WORDS[n] ?? String(n);
}

/** "box" → "boxes", "person" → "people", "wall" → "walls". */
export function plural(nounPhrase: string): string {
  if (/person$/.test(nounPhrase)) return nounPhrase.replace(/person$/, "people");
  if (/(s|sh|ch|x|z)$/.test(nounPhrase)) return `${nounPhrase}es`;
  if (/[^aeiou]y$/.test(nounPhrase)) return `${nounPhrase.slice(0, -1)}ies`;
  return `${nounPhrase}s`;
}
