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
