/**
 * What a presenter is told to do when no engine answers or an image is missing: one wording
 * for the engine's errors, the server's log and the CLI (the slide shows the engine's message).
 *
 * The scripts under test/setup/ and test/images/ are the test suite's path, not a presenter's:
 * test/setup/dockerd.sh rewrites /etc/docker/daemon.json and /etc/hosts for CI.
 */

/** How to bring an engine up, per platform, and how to tell that it is. */
export const START_DOCKER = 'Start Docker: open Docker Desktop (macOS, Windows), or run `sudo systemctl start docker` (Linux) or `colima start` (Colima); it is up when `docker info` answers.'

/** For a shell `echo "..."` in the host-step helper, where `$0` is the helper image: plain text,
 *  no quotes or backticks. */
export const HELPER_LACKS_NSENTER = 'host steps need nsenter in the helper image $0, and this one has none (the busybox of Docker Hub alpine has no nsenter applet). Tag an image that has it as $0; the test suite builds one: bash test/images/build-standins.sh'

/** An image the deck needs, while the deck runs offline or cannot pull it. */
export function pullWhileOnline(image: string): string {
  return `Pull it while you are online: docker pull ${image} (the test suite builds offline stand-ins instead: bash test/images/build-standins.sh).`
}
