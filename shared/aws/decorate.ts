/**
 * Cross-cutting wrappers around a port (remembering values, pacing writes), written once: name
 * the methods to wrap, and every other member, including ones added to the port later, is
 * forwarded unchanged.
 */

/** The keys of `T` whose values are functions. */
type MethodKey<T> = {
  [K in keyof T]-?: NonNullable<T[K]> extends (...args: never[]) => unknown ? K : never;
}[keyof T];

/** A method's wrapper: gets the original (bound to the target) and the call's arguments. */
export type Around<T, K extends MethodKey<T>> =
  NonNullable<T[K]> extends (...args: infer A) => infer R
    ? (original: (...args: A) => R, ...args: A) => R
    : never;

/** Wrappers for some methods of `T`. */
export type Arounds<T> = { readonly [K in MethodKey<T>]?: Around<T, K> };

/**
 * `target` with the methods named in `arounds` wrapped; every other member forwarded. Methods
 * run with `target` as `this`, so classes with private fields work.
 *
 * @example
 * const logged = decorate(store, {
 *   describe: async (original, secretId) => { log(secretId); return original(secretId); },
 * });
 */
export const decorate = <T extends object>(target: T, arounds: Arounds<T>): T =>
  new Proxy(target, {
    get: (object, key) => {
      const member: unknown = Reflect.get(object, key, object);
      if (typeof member !== 'function') return member;
      const original = (...args: unknown[]): unknown => member.apply(object, args);
      const around = (arounds as Record<PropertyKey, unknown>)[key];
      if (typeof around !== 'function') return original;
      return (...args: unknown[]): unknown => around(original, ...args);
    },
  });
