/**
 * Container image references: `[registry[:port]/]repository[:tag][@digest]`. What a pinned
 * reference is, so a deployment runs the image it was reviewed with.
 */

const DIGEST = /@(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

/** The parts of an image reference that say which image it is: its tag and digest, if any. */
export function imageVersion(image: string): { tag?: string; digest?: string } {
  const digest = DIGEST.exec(image)?.[1];
  const name = digest ? image.slice(0, image.length - digest.length - 1) : image;
  // A ":" after the last "/" starts the tag; one before it is a registry port.
  const last = name.slice(name.lastIndexOf('/') + 1);
  const colon = last.indexOf(':');
  return { tag: colon >= 0 ? last.slice(colon + 1) : undefined, digest };
}

/**
 * Why `image` is not pinned, if it is not: no tag and no digest runs whatever `latest` is at
 * pull time, and `:latest` moves; each node may run a different image.
 */
export function imagePinProblem(image: string): string | undefined {
  const { tag, digest } = imageVersion(image);
  if (digest) return undefined;
  if (tag === undefined) return 'has no tag or digest, so each node pulls whatever "latest" is then: add a version tag (":1.4.2") or a digest ("@sha256:…")';
  if (tag.toLowerCase() === 'latest') return 'uses the tag "latest", which moves: use a version tag (":1.4.2") or a digest ("@sha256:…")';
  if (image.includes('@')) return 'has a malformed digest: use "@sha256:" and 64 lowercase hex digits';
  return undefined;
}
