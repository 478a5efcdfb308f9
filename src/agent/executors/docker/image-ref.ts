/**
 * Docker image references as `docker pull` reads them, reduced to what the agent needs: which
 * registry to authenticate against, and the `fromImage`/`tag` pair for `POST /images/create`
 * (an empty tag would make the engine pull every tag of the repository).
 *
 *   busybox                        -> docker.io   library/busybox   latest
 *   127.0.0.1:5000/drover/http:v1  -> 127.0.0.1:5000   drover/http   v1
 *   repo@sha256:...                -> docker.io   library/repo      (digest)
 */

export const DEFAULT_REGISTRY = 'docker.io';

export interface ImageRef {
  /** Registry host (with port), `docker.io` when the reference names none. */
  registry: string;
  /** Repository path without the registry, as written (no `library/` added). */
  repository: string;
  /** Tag, or undefined when a digest is given. */
  tag?: string;
  digest?: string;
  /** `fromImage` for the pull: the reference without tag and digest. */
  name: string;
}

export function parseImageRef(ref: string): ImageRef {
  let rest = ref.trim();
  if (rest === '') throw new Error('Docker image must not be empty');
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  // A colon after the last slash is a tag; before it, a registry port.
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const slash = rest.indexOf('/');
  const first = slash >= 0 ? rest.slice(0, slash) : '';
  const hasRegistry = first !== '' && (first.includes('.') || first.includes(':') || first === 'localhost');
  const registry = hasRegistry ? first : DEFAULT_REGISTRY;
  const repository = hasRegistry ? rest.slice(slash + 1) : rest;
  if (repository === '') throw new Error(`Docker image ${JSON.stringify(ref)} names no repository`);
  return {
    registry,
    repository,
    ...(digest !== undefined ? { digest } : { tag: tag || 'latest' }),
    name: rest,
  };
}

/** The query of `POST /images/create` for this reference. */
export function pullQuery(ref: ImageRef): { fromImage: string; tag: string } {
  return { fromImage: ref.name, tag: ref.digest ?? ref.tag ?? 'latest' };
}

/** The name to create containers from (with the tag made explicit). */
export function canonicalImage(ref: ImageRef): string {
  return ref.digest !== undefined ? `${ref.name}@${ref.digest}` : `${ref.name}:${ref.tag ?? 'latest'}`;
}
