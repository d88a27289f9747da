/** A Lambda entry point: the event, and the invocation context when the Lambda reads it. */
export type LambdaHandler<E, R, C = unknown> = (event: E, context?: C) => Promise<R>;

/** What {@link lazyHandler} does besides building. */
export interface LazyHandlerOptions<E, R> {
  /**
   * The answer when the build fails, instead of rethrowing (an HTTP Lambda answers 5xx rather
   * than letting API Gateway report an opaque error). The next invocation builds again.
   */
  onBuildError?: (error: unknown, event: E) => R | Promise<R>;
}

/**
 * The one Lambda skeleton: the handler is built on the first invocation, not at import (so
 * loading the bundle never throws and a missing variable fails the first call with a
 * ConfigError naming it), kept for the container once built, and built again on the next
 * invocation when the build failed (a failed build, e.g. a throttled secret read or a
 * configuration being fixed, is never cached). Concurrent first calls share one build.
 *
 * @param build - reads the configuration and wires the handler (sync or async)
 * @param options - see {@link LazyHandlerOptions}
 * @example
 * export const handler = lazyHandler(() => createHandler(wire(readConfig())));
 */
export const lazyHandler = <E, R, C = unknown>(
  build: () => LambdaHandler<E, R, C> | Promise<LambdaHandler<E, R, C>>,
  options: LazyHandlerOptions<E, R> = {},
): LambdaHandler<E, R, C> => {
  let ready: Promise<LambdaHandler<E, R, C>> | undefined;
  const instance = (): Promise<LambdaHandler<E, R, C>> => {
    if (ready === undefined) {
      const building = (async () => build())();
      ready = building;
      building.catch(() => {
        if (ready === building) ready = undefined;
      });
    }
    return ready;
  };
  return async (event, context) => {
    let handle: LambdaHandler<E, R, C>;
    try {
      handle = await instance();
    } catch (error) {
      if (options.onBuildError === undefined) throw error;
      return options.onBuildError(error, event);
    }
    return handle(event, context);
  };
};
