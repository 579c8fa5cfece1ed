/**
 * The furniture of a kitchen and of a living room, as manifest keys of the Sweet Home 3D library
 * (assets/furniture_manifest.json), grouped by the part they play: what stands in a counter run,
 * what hangs above it, what goes against a side wall. randomizer/room_set lays them out
 * (room_layout.ts). Looked at one by one on a contact sheet: every model here faces +z and stands
 * on its base, and the cabinets of a family meet at one counter height.
 */

export const ROOM_SETS = ["kitchen", "living_room"] as const;
export type RoomSetName = typeof ROOM_SETS[number];

/** Where the set is, in a caption's words ("in a kitchen"). */
export const ROOM_SET_PLACES: Readonly<Record<RoomSetName, string>> = {
  kitchen: "kitchen",
  living_room: "living room",
};

/** Cabinets, sink, cooker and wall units that belong together, so a run reads as one kitchen. */
export interface KitchenFamily {
  /** Base cabinets, one drawn per bay. */
  lower: readonly string[];
  /** A base unit with its sink and tap. */
  sink: readonly string[];
  /** A free-standing cooker, or a hob laid on a base cabinet (`hob`). */
  cooker: readonly string[];
  hob?: readonly string[];
  /** Extractor hoods, hung above the cooker. */
  hood: readonly string[];
  /** Wall cabinets, hung above the base cabinets. */
  upper: readonly string[];
  /** Tall units at an end of the run. */
  tall: readonly string[];
}

const CC0 = "BlendSwap-CC-0";
const BY = "BlendSwap-CC-BY";

export const KITCHEN_FAMILIES: readonly KitchenFamily[] = [
  {
    lower: [`${CC0}/lowerCabinet`, `${CC0}/drawersCabinet`],
    sink: [`${CC0}/sinkCabinet`],
    cooker: [`${CC0}/lowerCabinet`],
    hob: [`${CC0}/mano_cooktop`],
    hood: [`${CC0}/rangeHood`],
    upper: [`${CC0}/upperCabinet`, `${CC0}/smallUpperCabinet`, `${CC0}/glassDoorCabinet`],
    tall: [`${CC0}/highCabinet`, `${CC0}/doubleOven`],
  },
  {
    lower: [
      `${BY}/kitchenLowerCabinet`,
      `${BY}/kitchenSmallLowerCabinet`,
      `${BY}/kitchenDrawersCabinet`,
    ],
    sink: [`${BY}/kitchenSink`],
    cooker: [`${BY}/largeStove`],
    hood: [`${BY}/hood`],
    upper: [
      `${BY}/kitchenUpperCabinet`,
      `${BY}/kitchenSmallUpperCabinet`,
      `${BY}/kitchenGlassDoorCabinet`,
    ],
    tall: [`${CC0}/highCabinet`],
  },
];

export const FRIDGES: readonly string[] = [
  `${CC0}/refrigerator`,
  `${CC0}/largeFridge`,
  "KatorLegaz/fridge",
];

/** Small appliances and plants stood on a counter. */
export const COUNTERTOP: readonly string[] = [
  `${BY}/microwave`,
  `${CC0}/coffeeBrewer`,
  `${CC0}/kitchenaid`,
  `${BY}/kitchenblender`,
  "KatorLegaz/coffee-maker",
  `${CC0}/littlePlant`,
  `${BY}/luckyBamboo`,
];

/** Against a kitchen's other walls. */
export const KITCHEN_SIDE: readonly string[] = [
  `${CC0}/cupboard`,
  `${CC0}/shelves`,
  `${BY}/washing_machine`,
  `${CC0}/dustbin`,
  "KatorLegaz/bullet-trash-can",
  `${CC0}/radiator`,
  `${CC0}/radiator3`,
  `${CC0}/decorativePlant`,
  "Scopia/ficus",
  `${CC0}/highCabinet`,
  "Scopia/white_kitchen_chair",
  `${BY}/kitchenChair`,
];

export const SOFAS: readonly string[] = [
  `${CC0}/couch`,
  `${CC0}/sofa2`,
  `${CC0}/winchesterSofa`,
  `${BY}/couch3`,
  `${BY}/sofa2`,
  `${BY}/sofa3`,
  "KatorLegaz/futon-couch",
  "KatorLegaz/mid-century-sofa",
  "Scopia/beige_sofa",
  "Scopia/beige_sofa_2seats",
  "Scopia/clear_sofa",
  "Scopia/leather_sofa",
  "Scopia/simple_sofa",
  "Scopia/sofa_white_beige",
];

export const SIDE_TABLES: readonly string[] = [
  `${CC0}/bedsideTable2`,
  `${BY}/bedsideTable`,
  `${BY}/cafe_set_mota_table`,
];

/** Stood on a side table. */
export const TABLE_LAMPS: readonly string[] = [
  "Scopia/table_lamp",
  "Scopia/livingroom_lamp1",
  "Scopia/little_lamp1",
  "Scopia/little_lamp2",
  `${BY}/lamp`,
];

export const FLOOR_LAMPS: readonly string[] = [
  "Scopia/living_lamp",
  "KatorLegaz/pedestal-vase-lamp",
  "Scopia/little_lamp3",
];

export const COFFEE_TABLES: readonly string[] = [
  `${BY}/coffeeTable`,
  "Scopia/coffee-table2",
  "Scopia/coffee_table",
  "Scopia/saloon_table",
  "Scopia/table_wood_and_iron",
  "Scopia/living_room_table",
];

export const RUGS: readonly string[] = ["KatorLegaz/oriental-rug", "Scopia/round-carpet"];

export const ARMCHAIRS: readonly string[] = [
  `${CC0}/armchair2`,
  `${CC0}/modernArmchair`,
  `${BY}/armchair1`,
  `${BY}/fotel`,
  "KatorLegaz/mid-century-chair",
  "Scopia/armchair",
  "Scopia/armchair2",
  "Scopia/rattanArmchair",
];

/** Against a living room's other walls. */
export const LIVING_SIDE: readonly string[] = [
  `${CC0}/bookcase`,
  `${BY}/bookcase`,
  "KatorLegaz/full-bookcase",
  `${CC0}/televisionCabinet`,
  `${BY}/tvStand`,
  `${CC0}/cupboard`,
  `${BY}/piano`,
  `${BY}/dresserWithDrawers`,
  "Scopia/fireplace1",
  `${CC0}/radiator`,
  `${CC0}/plant`,
  `${BY}/yuccaPlant`,
  `${BY}/spatifilum`,
  "Scopia/ficus",
];

/** What a TV stand carries. */
export const TVS: readonly string[] = [`${CC0}/led_tv`, "Scopia/tv"];

/** Every key above, for the test that each one is in the manifest. */
export function roomSetKeys(): string[] {
  const lists = [
    ...KITCHEN_FAMILIES.flatMap((
      f,
    ) => [f.lower, f.sink, f.cooker, f.hob ?? [], f.hood, f.upper, f.tall]),
    FRIDGES,
    COUNTERTOP,
    KITCHEN_SIDE,
    SOFAS,
    SIDE_TABLES,
    TABLE_LAMPS,
    FLOOR_LAMPS,
    COFFEE_TABLES,
    RUGS,
    ARMCHAIRS,
    LIVING_SIDE,
    TVS,
  ];
  return [...new Set(lists.flat())];
}
