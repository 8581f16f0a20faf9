import { z } from "@hono/zod-openapi";
import { invalidField } from "../../lib/problem";

/** Rules for a password being chosen (registration, password change). */
export const NewPasswordSchema = z
  .string()
  .min(10)
  .max(128)
  .openapi({ description: "10–128 characters; not the username.", example: "correct-horse-battery" });

export function assertPasswordNotUsername(password: string, username: string, path: string): void {
  if (password.toLowerCase() === username.toLowerCase()) {
    throw invalidField(path, {
      en: "The password must not be the same as the username.",
      ko: "비밀번호는 아이디와 같을 수 없습니다.",
    });
  }
}
