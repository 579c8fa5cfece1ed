/**
 * What kind of thing each furniture-library model is: a category (cup, bottle, book, chair …)
 * with its real-world size range, physics guesses and material tags. The catalogue of the
 * library only says which room a model belongs in ("Kitchen", "Miscellaneous"); scenes and
 * plugins need "a cup" or "something graspable". Rules match the catalogue's English name, first
 * match wins; a model no rule names gets the fallback of its catalogue category.
 */

export type MaterialTag =
  | "ceramic"
  | "glass"
  | "plastic"
  | "metal"
  | "wood"
  | "fabric"
  | "paper"
  | "cardboard"
  | "food"
  | "rubber"
  | "stone"
  | "plant";

export interface Category {
  /** Largest side, metres: the range real things of this kind span. */
  size: [number, number];
  /** Mass per cubic metre of the bounding box (kg): filled volume × material density. */
  density: number;
  friction: number;
  /** Fits in one hand and is light enough to pick up (also needs its largest side ≤ 0.35 m). */
  graspable: boolean;
  materials: MaterialTag[];
  /** The word a caption uses when the model's own name does not contain the category. */
  noun: string;
}

const c = (
  size: [number, number],
  density: number,
  friction: number,
  graspable: boolean,
  materials: MaterialTag[],
  noun: string,
): Category => ({ size, density, friction, graspable, materials, noun });

/** The categories, by id. */
export const CATEGORIES = {
  cup: c([0.06, 0.16], 300, 0.5, true, ["ceramic", "plastic"], "cup"),
  glass: c([0.05, 0.22], 250, 0.4, true, ["glass"], "glass"),
  bottle: c([0.08, 0.42], 350, 0.4, true, ["glass", "plastic"], "bottle"),
  carton: c([0.1, 0.3], 500, 0.6, true, ["cardboard"], "carton"),
  bowl: c([0.1, 0.5], 150, 0.5, true, ["ceramic", "wood"], "bowl"),
  plate: c([0.15, 0.5], 400, 0.5, true, ["ceramic", "wood"], "plate"),
  cutlery: c([0.12, 0.3], 800, 0.4, true, ["metal"], "piece of cutlery"),
  kitchenware: c([0.08, 0.6], 300, 0.5, true, ["metal", "ceramic", "glass"], "kitchen utensil"),
  food: c([0.05, 0.4], 400, 0.7, true, ["food"], "food"),
  box: c([0.06, 1.0], 200, 0.6, true, ["cardboard", "wood", "paper"], "box"),
  book: c([0.1, 0.45], 700, 0.6, true, ["paper"], "book"),
  phone: c([0.05, 0.3], 700, 0.5, true, ["plastic", "glass", "metal"], "phone"),
  electronics: c([0.05, 1.9], 300, 0.6, false, ["plastic", "metal"], "device"),
  tool: c([0.1, 1.6], 600, 0.6, true, ["metal", "plastic", "wood"], "tool"),
  stationery: c([0.03, 0.4], 500, 0.6, true, ["plastic", "paper", "metal"], "desk item"),
  toiletry: c([0.02, 0.25], 500, 0.5, true, ["plastic", "glass"], "toiletry"),
  toy: c([0.05, 0.9], 250, 0.7, true, ["plastic", "wood", "fabric"], "toy"),
  ball: c([0.15, 0.3], 60, 0.8, true, ["rubber"], "ball"),
  shoe: c([0.15, 0.4], 250, 0.9, true, ["fabric", "rubber"], "shoe"),
  clothing: c([0.02, 1.5], 100, 0.9, true, ["fabric"], "piece of clothing"),
  bag: c([0.2, 1.1], 150, 0.8, true, ["fabric", "plastic"], "bag"),
  vase: c([0.1, 0.9], 250, 0.5, true, ["ceramic", "glass"], "vase"),
  decor: c([0.02, 2.6], 200, 0.6, false, ["ceramic", "wood", "fabric", "metal"], "ornament"),
  plant: c([0.1, 1.9], 80, 0.8, false, ["plant", "ceramic"], "plant"),
  tree: c([1.0, 13], 20, 0.8, false, ["plant"], "tree"),
  lamp: c([0.04, 7.5], 80, 0.6, false, ["metal", "glass", "plastic"], "lamp"),
  chair: c([0.35, 2.1], 60, 0.7, false, ["wood", "fabric", "metal"], "chair"),
  sofa: c([0.7, 3.5], 80, 0.8, false, ["fabric"], "sofa"),
  table: c([0.45, 2.8], 60, 0.6, false, ["wood", "glass", "metal"], "table"),
  bed: c([0.8, 2.7], 90, 0.8, false, ["wood", "fabric"], "bed"),
  cabinet: c([0.3, 3.1], 120, 0.6, false, ["wood"], "cabinet"),
  appliance: c([0.15, 2.3], 200, 0.6, false, ["metal", "plastic"], "appliance"),
  fixture: c([0.1, 2.4], 300, 0.6, false, ["ceramic", "metal"], "bathroom fixture"),
  door: c([0.8, 4.5], 150, 0.6, false, ["wood", "glass"], "door"),
  window: c([0.3, 2.6], 100, 0.6, false, ["glass", "wood"], "window"),
  vehicle: c([0.5, 22], 150, 0.8, false, ["metal", "rubber"], "vehicle"),
  animal: c([0.4, 2.7], 500, 0.8, false, ["fabric"], "animal"),
  figure: c([1.6, 2.0], 500, 0.8, false, ["plastic"], "figure"),
  outdoor: c([0.05, 18], 100, 0.7, false, ["stone", "metal", "wood"], "outdoor object"),
  marking: c([0.6, 10], 10, 0.7, false, ["stone"], "road marking"),
  bin: c([0.2, 0.9], 60, 0.6, false, ["plastic", "metal"], "bin"),
  fitness: c([0.4, 2.8], 150, 0.7, false, ["metal", "plastic"], "fitness equipment"),
  misc: c([0.02, 7], 200, 0.6, false, ["plastic", "metal", "wood"], "object"),
} as const satisfies Record<string, Category>;

export type CategoryId = keyof typeof CATEGORIES;
export const CATEGORY_IDS = Object.keys(CATEGORIES) as CategoryId[];

/** Name patterns, in order: the first that matches a model's lowercase name decides. */
const RULES: [RegExp, CategoryId][] = [
  [/\b(parking|arrow|pedestrian crossing|rail crossing|rails)\b/, "marking"],
  [/\b(fork lift|seat leon)\b/, "vehicle"],
  [/\b(christmas tree|bonsai|flowers)\b/, "plant"],
  [/\b(punching ball)\b/, "fitness"],
  [/\b(hammock|fence|railing|shipping container|cone)\b/, "outdoor"],
  [/\b(plate, glass)\b/, "plate"],
  [
    /\b(bread box|squeezer|cooker(?! \d)|deep fryer|sandwich maker|toaster|stone grill|spice tower|electronic scale|paper towel holder)\b/,
    "kitchenware",
  ],
  [/\b(roasted chicken|french fries|steak|cup cake|cupcake)\b/, "food"],
  [/\b(ashtray|hashtray|deer|white board|aquarium|fireplace|chimney|carpet|doormat)\b/, "decor"],
  [/\b(dustbin|trash can|trashcan|recycling bin)\b/, "bin"],
  [
    /\b(bell ring|plug|switch|socket|video projector|playstation|joystick|cctv|smoke detector)\b/,
    "electronics",
  ],
  [/\b(induction cooker)\b/, "appliance"],
  [/\b(step ladder|cutting pliers)\b/, "tool"],
  [/\b(puff)\b/, "chair"],
  [/\b(contemporary living room)\b/, "cabinet"],
  [/\b(chair|armchair|stool|seat|bench|ottoman)\b/, "chair"],
  [/\b(sofa|couch|futon couch)\b/, "sofa"],
  [/\btable tennis bat\b/, "toy"],
  [/\b(bed|crib|futon|mattress|sleeping bag|hammock|tatami)\b/, "bed"],
  [/\b(lamp|light|lantern|chandelier|lamppost|candle|flashlight)\b/, "lamp"],
  [/\b(tree|pine|palm|maple|beech|poplar|cypress|acacia|ficus|blossom|bamboo)\b/, "tree"],
  [/\b(plant|cactus|orchids|tulips|lily|yucca|spathiphyllum|bush|hedge|flower box)\b/, "plant"],
  [/\b(coffee cup|coffee mug|cup|mug|creamer)\b/, "cup"],
  [/\b(beer glass|cocktail glass|glass)\b(?! (door|table))/, "glass"],
  [/\b(bottle|flacon|oil servers)\b/, "bottle"],
  [/\b(milk|tetrapak|carton)\b/, "carton"],
  [/\b(bowl|pottery)\b/, "bowl"],
  [/\b(plate|tray|chopping board)\b/, "plate"],
  [/\b(fork|spoon|knife)\b(?! stand)/, "cutlery"],
  [
    /\b(teapot|kettle|pan|coffee press|salt shaker|sugar|utensils pot|kitchen scale|knife stand|kitchen tools|jar)\b/,
    "kitchenware",
  ],
  [/\b(bread|hamburger|hot dog|cake|cupcake|cup cake|apples|butter|sushi)\b/, "food"],
  [/\b(book|newspaper|calendar)\b(?!case)/, "book"],
  [/\b(iphone|mobile phone|wireless phone|phone|tablet)\b/, "phone"],
  [/\b(basketball|soccer ball|ball)\b(?! net)/, "ball"],
  [/\b(slippers|sneakers|shoes|mocassin|bootie)\b/, "shoe"],
  [
    /\b(cap|hat|helmet|glove|dress|trousers|jacket|skirt|short|suit|hanging clothes|folded clothes|watch|ring|sunglasses|glasses)\b/,
    "clothing",
  ],
  [/\b(backpack|handbag|briefcase|suitcase|basket|bag)\b/, "bag"],
  [
    /\b(teddy bear|rubik|car model|toy|doll|puzzle|biplane|rocking horse|xylophone|chessboard|card game|skateboard|dart game|tennis racket|gift)\b/,
    "toy",
  ],
  [
    /\b(scissors|ruler|marker|stapler|pencil|penbox|letter tray|tape measure|number lock|bill)\b/,
    "stationery",
  ],
  [
    /\b(hammer|screwdriver|drill|saw|grinder|shovel|broom|tool|tape|wire coathanger|clothes hanger|toilet brush)\b/,
    "tool",
  ],
  [/\b(comb|brush|sponge|soap|lip stick|cosmetics|medicine)\b/, "toiletry"],
  [/\btowel\b(?! rack)/, "clothing"],
  [/\b(cardboard box|open cardboard box|box|crate|barrel|pallet|trunck|wood logs)\b/, "box"],
  [/\b(vase)\b/, "vase"],
  [
    /\b(laptop|ibook|imac|tv|television|radio|speaker|camera|headphones|printer|dvd|keyboard|mp3|stereo|amplifier|screen|intercom|thermometer|bell ring|speech unit)\b(?! (cabinet|stand|door))/,
    "electronics",
  ],
  [
    /\b(oven|fridge|refrigerator|washing machine|dryer|microwave|cooktop|stove|hood|boiler|water heater|mixer|blender|coffee (machine|maker|brewer)|freezer|air conditioning|radiator|fan|furnace|water cooler|safe|extinguisher|mower)\b/,
    "appliance",
  ],
  [
    /\b(toilet|toilets|bidet|urinal|bath|bathtub|shower|washbasin|sink|basin|lavatory|jacuzzi|potty|faucet|towel rack|vanity)\b/,
    "fixture",
  ],
  [
    /\b(table|desk|workbench)\b/,
    "table",
  ],
  [
    /\b(cabinet|wardrobe|bookcase|shelves|dresser|chest|cupboard|drawers|island|locker|clothes rack|clothes horse|cabinet|stand|hanger)\b/,
    "cabinet",
  ],
  [/\b(door|elevator)\b/, "door"],
  [/\b(window|shutter|blind|curtain)\b/, "window"],
  [
    /\b(car|truck|bus|van|bike|bicycle|tricycle|scooter|motorbike|stroller|sedan|suv|beetle|focus|leon|scenic|chevrolet|peugeot|yamaha|fork lift|rowboat|wheelchair|wheelbarrow)\b/,
    "vehicle",
  ],
  [/\b(chicken|horse|bulldog|cat|dog|rabbit)\b(?! house)/, "animal"],
  [/\b(male|female|mannequin)\b/, "figure"],
  [/\b(treadmill|fitness|abdominal|punching|indoor bike)\b/, "fitness"],
  [
    /\b(clock|frame|rug|bathmat|statue|snowman|guitar|piano|flipper|football table|pool table)\b/,
    "decor",
  ],
];

/** What a catalogue category falls back to when no name rule matches. */
const FALLBACK: Record<string, CategoryId> = {
  "Doors and windows": "window",
  Exterior: "outdoor",
  Vehicles: "vehicle",
  Characters: "animal",
  Lights: "lamp",
  Staircases: "outdoor",
  Bathroom: "fixture",
};

/** The category of a model from its catalogue name, category and size (metres). */
export function categoryOf(
  name: string,
  catalogueCategory: string,
  size: readonly number[],
): CategoryId {
  const lower = name.toLowerCase();
  const largest = Math.max(...size);
  for (const [pattern, id] of RULES) {
    if (!pattern.test(lower)) continue;
    // names that say too little: a "Bamboo" is a potted plant or a grove, a "Box" a carton or a
    // storage unit
    if (id === "tree" && largest < 1) return "plant";
    if (id === "box" && largest > 1.2) return "cabinet";
    return id;
  }
  return FALLBACK[catalogueCategory] ?? "misc";
}
