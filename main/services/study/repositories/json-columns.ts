/** JSON columns hold plain data; the tables check json_valid, callers own the shape (zod in shared/). */

export const toJson = (value: unknown): string => JSON.stringify(value);
export const fromJson = (text: string): unknown => JSON.parse(text) as unknown;
