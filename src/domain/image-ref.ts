/**
 * Docker image references as `docker pull` reads them, reduced to what the agent needs: which
 * registry to authenticate against, and the `fromImage`/`tag` pair for `POST /images/create`
 * (an empty tag would make the engine pull every tag of the repository). Pure, so app validation
 * refuses a reference the engine would refuse before any agent tries it.
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

/**
 * The grammar of Docker references (distribution/reference, as the engine applies it): lowercase
 * path components joined by `.`, `_`, `__` or dashes; a registry host with an optional port; a
 * tag of up to 128 word characters, dots and dashes; a digest `algorithm:hex`.
 */
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN =
  /^(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
const NAME_MAX = 255;

/** Parses a reference; throws with the engine's kind of message when it is not one. */
export function parseImageRef(ref: string): ImageRef {
  let rest = ref.trim();
  if (rest === '') throw new Error('Docker image must not be empty');
  const invalid = (why = 'invalid reference format') =>
    new Error(`Docker image ${JSON.stringify(ref)}: ${why}`);
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw invalid('invalid digest format');
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  // A colon after the last slash is a tag; before it, a registry port.
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw invalid('invalid tag format');
  }
  const slash = rest.indexOf('/');
  const first = slash >= 0 ? rest.slice(0, slash) : '';
  // As the engine splits it: a first component with a dot, a colon or capitals, or `localhost`.
  const hasRegistry =
    first !== '' &&
    (first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase());
  const registry = hasRegistry ? first : DEFAULT_REGISTRY;
  const repository = hasRegistry ? rest.slice(slash + 1) : rest;
  if (repository === '') throw invalid('names no repository');
  if (hasRegistry && !DOMAIN.test(registry)) throw invalid();
  const components = repository.split('/');
  if (!components.every((c) => PATH_COMPONENT.test(c))) {
    const lowercaseWouldDo = components.every((c) => PATH_COMPONENT.test(c.toLowerCase()));
    throw invalid(lowercaseWouldDo ? 'repository name must be lowercase' : 'invalid reference format');
  }
  if (rest.length > NAME_MAX) throw invalid(`repository name must not be longer than ${NAME_MAX} characters`);
  return {
    registry,
    repository,
    ...(digest !== undefined ? { digest } : { tag: tag ?? 'latest' }),
    name: rest,
  };
}

/** Why `ref` is not a Docker image reference, or undefined when it is one. */
export function imageRefProblem(ref: string): string | undefined {
  try {
    parseImageRef(ref);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/** The query of `POST /images/create` for this reference. */
export function pullQuery(ref: ImageRef): { fromImage: string; tag: string } {
  return { fromImage: ref.name, tag: ref.digest ?? ref.tag ?? 'latest' };
}

/** The name to create containers from (with the tag made explicit). */
export function canonicalImage(ref: ImageRef): string {
  return ref.digest !== undefined ? `${ref.name}@${ref.digest}` : `${ref.name}:${ref.tag ?? 'latest'}`;
}
