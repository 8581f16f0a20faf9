import { z } from "@hono/zod-openapi";
import { wholeNumberParam } from "../../lib/number-param";
import { invalidField } from "../../lib/problem";

/**
 * The character image's parameters as the upstream documents them (the public
 * `maplestory-openapi` SDK, SpiralMoon/maplestory.openapi 3.8.0: its image enums,
 * `CharacterImageOptions` and the query its `getCharacterImage` sends):
 * - `action=<code>.<frame>`: a pose A00–A41 and its frame, default `A00.0`;
 * - `emotion=<code>.<frame>`: a face E00–E24 and its frame, default `E00.0`;
 * - `wmotion=<code>`: a weapon motion W00–W04, default `W00`;
 * - `width`, `height`: the canvas, 96 (default) to 1000;
 * - `x`, `y`: where the character stands, 0 < x < width, 0 < y < height.
 * Codes are numbered in the order of the SDK's names (Stand1 = A00, …).
 */

const names = (list: string) => list.split(" ");
const coded = (prefix: string, list: readonly string[]) => list.map((_, i) => `${prefix}${String(i).padStart(2, "0")}`) as [string, ...string[]];
const legend = (codes: readonly string[], list: readonly string[]) => codes.map((code, i) => `\`${code}\` ${list[i]}`).join(", ");

const ACTION_NAMES = names(
  "Stand1 Stand2 Walk1 Walk2 Prone Fly Jump Sit Ladder Rope Heal Alert ProneStab SwingO1 SwingO2 SwingO3 SwingOF " +
    "SwingP1 SwingP2 SwingPF SwingT1 SwingT2 SwingT3 SwingTF StabO1 StabO2 StabOF StabT1 StabT2 StabTF Shoot1 Shoot2 " +
    "ShootF Dead GhostWalk GhostStand GhostJump GhostProneStab GhostLadder GhostRope GhostFly GhostSit",
);
const EMOTION_NAMES = names(
  "Default Wink Smile Cry Angry Bewildered Blink Blaze Bowing Cheers Chu Dam Despair Glitter Hit Hot Hum Love Oops " +
    "Pain Troubled QBlue Shine Stunned Vomit",
);
const WEAPON_MOTION_NAMES = names("Default OneHand TwoHands Gun Nothing");

export const ACTION_CODES = coded("A", ACTION_NAMES);
export const EMOTION_CODES = coded("E", EMOTION_NAMES);
export const WEAPON_MOTION_CODES = coded("W", WEAPON_MOTION_NAMES);

/**
 * The SDK documents no frame range (its default is 0; how many frames a pose has
 * depends on the pose). Two digits is far more than any pose has; what the
 * upstream draws for a frame a pose lacks is its own business.
 */
export const MAX_FRAME = 99;
export const MIN_SIZE = 96;
export const MAX_SIZE = 1000;

export const imageQuerySchema = {
  action: z
    .enum(ACTION_CODES)
    .default("A00")
    .openapi({ description: `Pose (upstream code). Default \`A00\`. ${legend(ACTION_CODES, ACTION_NAMES)}.`, example: "A00" }),
  emotion: z
    .enum(EMOTION_CODES)
    .default("E00")
    .openapi({ description: `Facial expression (upstream code). Default \`E00\`. ${legend(EMOTION_CODES, EMOTION_NAMES)}.`, example: "E00" }),
  wmotion: z
    .enum(WEAPON_MOTION_CODES)
    .default("W00")
    .openapi({ description: `Weapon motion (upstream code). Default \`W00\`. ${legend(WEAPON_MOTION_CODES, WEAPON_MOTION_NAMES)}.`, example: "W00" }),
  action_frame: wholeNumberParam(0, MAX_FRAME, `Frame of the pose, 0–${MAX_FRAME}. Default 0.`).default(0),
  emotion_frame: wholeNumberParam(0, MAX_FRAME, `Frame of the expression, 0–${MAX_FRAME}. Default 0.`).default(0),
  width: wholeNumberParam(MIN_SIZE, MAX_SIZE, `Canvas width in pixels, ${MIN_SIZE}–${MAX_SIZE}. Omitted: the upstream's default (${MIN_SIZE}).`).optional(),
  height: wholeNumberParam(MIN_SIZE, MAX_SIZE, `Canvas height in pixels, ${MIN_SIZE}–${MAX_SIZE}. Omitted: the upstream's default (${MIN_SIZE}).`).optional(),
  x: wholeNumberParam(1, MAX_SIZE - 1, `Horizontal position of the character from the left edge: 0 < x < width (width ${MIN_SIZE} when omitted). Omitted: the upstream's default.`).optional(),
  y: wholeNumberParam(1, MAX_SIZE - 1, `Vertical position of the character from the top edge: 0 < y < height (height ${MIN_SIZE} when omitted). Omitted: the upstream's default.`).optional(),
};

/** The image parameters after validation: defaults filled in, numbers parsed. */
export interface ImageOptions {
  action: string;
  emotion: string;
  wmotion: string;
  action_frame: number;
  emotion_frame: number;
  width?: number;
  height?: number;
  x?: number;
  y?: number;
}

/**
 * 400 VALIDATION_FAILED unless the position lies inside the canvas (0 < x <
 * width, 0 < y < height; an omitted size is the documented default). The one
 * rule a single parameter's schema cannot state.
 */
export function checkPosition(options: ImageOptions): void {
  const inside = (axis: "x" | "y", size: "width" | "height") => {
    const at = options[axis];
    const limit = options[size] ?? MIN_SIZE;
    if (at !== undefined && at >= limit) {
      throw invalidField(`query.${axis}`, {
        en: `${axis} must be less than ${size} (${limit}): from 1 to ${limit - 1}.`,
        ko: `${axis}는 ${size}(${limit})보다 작아야 합니다: 1부터 ${limit - 1}까지.`,
      });
    }
  };
  inside("x", "width");
  inside("y", "height");
}

/**
 * The query we send the upstream, in one fixed order and spelling, so equal
 * requests make equal URLs (the edge cache key is built from it). Pose,
 * expression and weapon motion always go with their defaults, as the SDK
 * sends them; the canvas and position only when asked, leaving the rest to
 * the upstream.
 */
export function upstreamImageQuery(options: ImageOptions): URLSearchParams {
  const query = new URLSearchParams({
    action: `${options.action}.${options.action_frame}`,
    emotion: `${options.emotion}.${options.emotion_frame}`,
    wmotion: options.wmotion,
  });
  for (const name of ["width", "height", "x", "y"] as const) {
    const value = options[name];
    if (value !== undefined) query.set(name, String(value));
  }
  return query;
}
