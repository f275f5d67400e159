import { apiSchema, isApiMethod, type ApiServices } from '../../shared/api';
import { fail, ok, type Result } from '../../shared/result';
import { validationMessage } from '../../shared/validation-message';
import { toApiError } from './errors';

/**
 * The single entry point every transport (IPC, HTTP, tests) goes through: checks the method against
 * the allow-list, validates the input, runs the service and returns a Result. It never throws.
 */
export async function dispatch(
  services: ApiServices,
  method: unknown,
  rawInput: unknown,
): Promise<Result<unknown>> {
  if (!isApiMethod(method)) {
    return fail('UNKNOWN_METHOD', `Unknown method ${JSON.stringify(String(method)).slice(0, 80)}.`);
  }
  const parsed = apiSchema[method].input.safeParse(rawInput ?? {});
  if (!parsed.success) {
    return fail('INVALID_INPUT', validationMessage(`Invalid input for ${method}`, parsed.error));
  }
  try {
    // The cast is safe: `parsed.data` was produced by this method's own schema.
    const run = services[method] as (input: unknown) => Promise<unknown>;
    return ok(await run(parsed.data));
  } catch (err) {
    return { ok: false, error: toApiError(err, method) };
  }
}
