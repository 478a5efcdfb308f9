/**
 * The request shapes routes declare to fastify (its RouteGeneric), so handlers read path
 * parameters and the query string typed instead of casting them. Bodies stay `unknown`: the
 * domain/ parsers validate them.
 */
import type { Query } from './query-params.js';

/** The query string as fastify parses it: a value, or an array when the parameter repeats. */
export interface QueryRoute {
  Querystring: Query;
}

/** A `/prefix/*` route: ids with slashes arrive whole (and decoded) in `*`. */
export interface WildcardRoute extends QueryRoute {
  Params: { '*': string };
}

/** A route with named path parameters, e.g. `NamedRoute<'name' | 'dueAt'>` for `/job/:name/runs/:dueAt`. */
export interface NamedRoute<K extends string> extends QueryRoute {
  Params: Record<K, string>;
}
