/**
 * The files a demo's shell starts from, as text (the engine writes them, engine/shell-files.ts):
 * - the rc file, our own (never the presenter's ~/.bashrc): it marks each prompt and command
 *   with the FinalTerm / OSC 133 marks (marks.ts reads and removes them), and after each
 *   command keeps the shell's state in a file, for the demos that `use` this one;
 * - an inputrc, so that the presenter's key bindings cannot change what a typed line does;
 * - `host$`, the program that runs a line's words on the Docker host.
 * Written for bash 3.2 (macOS's /bin/bash) as well as 5.x: no PS0, no `declare -g`, no
 * `${var@Q}`. Pure.
 */
import { HELPER_LACKS_NSENTER, pullWhileOnline } from '../presenter-help.ts'
import { HELPER_LABEL } from '../engine/labels.ts'

/** The prompt of the demo's shell. */
export const SHELL_PS1 = '$ '
/** `host$ ...` lines run this program, which the shell finds first on its PATH. */
export const HOST_PROGRAM = 'host$'
/** The image of the helper container that host$ enters the Docker host from (a stand-in with
 *  busybox's nsenter, pidof and sh). */
export const HELPER_IMAGE = 'alpine:latest'

/** The environment the rc file reads (and unsets): which state files to start from, where to
 *  keep this shell's. */
export const SHELL_ENV = {
  /** Newline-separated state files of the demos this one uses, oldest first. */
  inherit: 'DOCKER_DEMO_INHERIT',
  /** Where this shell keeps its state after each command. */
  state: 'DOCKER_DEMO_SHELL_STATE',
} as const

const OSC = (body: string) => String.raw`\033]133;${body}\007`

/**
 * A: prompt start (after the state is kept), B: prompt end, where a line may be typed (PS1 and
 * PS2 alike), C: the typed line runs a command (the first DEBUG trap after a prompt; a function
 * definition runs none), D;N: the line is over with status N, at every prompt but the first
 * (after a syntax error N is 2, as bash sets it).
 */
export function rcFile(): string {
  return `# The demo server's rc file for a demo's shell (demo-server/shell/rc.ts). Not the
# presenter's ~/.bashrc: a deck's lines run the same on every machine.

# The state of the demos this one uses: their variables, functions, aliases and directory.
if [ -n "\${${SHELL_ENV.inherit}:-}" ]; then
  __docker_demo_keep=$(declare -p DOCKER_HOST DOCKER_CONFIG DOCKER_CONTEXT DOCKER_TLS DOCKER_TLS_VERIFY DOCKER_CERT_PATH SHLVL INPUTRC 2>/dev/null)
  while IFS= read -r __docker_demo_file; do
    [ -r "$__docker_demo_file" ] && . "$__docker_demo_file" 2>/dev/null
  done <<__DOCKER_DEMO_END__
\${${SHELL_ENV.inherit}}
__DOCKER_DEMO_END__
  eval "$__docker_demo_keep"
  unset __docker_demo_keep __docker_demo_file
fi
__docker_demo_state=\${${SHELL_ENV.state}:-}
unset ${SHELL_ENV.inherit} ${SHELL_ENV.state}

set +H                 # no history expansion: "!" in a deck line is typed as written
unset HISTFILE         # the presenter's history file stays as it was
shopt -s checkwinsize

__docker_demo_at_prompt=
__docker_demo_prompted=
__docker_demo_preexec() {
  [ -n "$__docker_demo_at_prompt" ] || return 0
  [ "$BASH_COMMAND" = __docker_demo_precmd ] && return 0
  __docker_demo_at_prompt=
  printf '${OSC('C')}'
}
__docker_demo_precmd() {
  local __docker_demo_status=$?
  if [ -n "$__docker_demo_prompted" ]; then
    printf '${OSC('D;%s')}' "$__docker_demo_status"
  fi
  __docker_demo_prompted=1
  if [ -n "$__docker_demo_state" ]; then
    { declare -p; declare -f; alias -p; printf 'cd -- %q\\n' "$PWD"; } > "$__docker_demo_state" 2>/dev/null
  fi
  printf '${OSC('A')}'
  __docker_demo_at_prompt=1
}
PROMPT_COMMAND=__docker_demo_precmd
trap '__docker_demo_preexec' DEBUG
PS1='${SHELL_PS1}\\[${OSC('B')}\\]'
PS2='> \\[${OSC('B')}\\]'
`
}

/** Readline for a typed line: no bell, no bracketed paste, no bindings of the presenter's. */
export function inputrcFile(): string {
  return 'set bell-style none\nset enable-bracketed-paste off\nset horizontal-scroll-mode off\n'
}

/** Finds dockerd (the host's init on Docker Desktop, where dockerd lives in the VM's namespaces
 *  too), enters its namespaces, goes to the line's directory and lets the host's shell read the
 *  words, as `ssh HOST WORDS` does. */
const ENTER_HOST = [
  `command -v nsenter >/dev/null || { echo "${HELPER_LACKS_NSENTER}" >&2; exit 127; }`,
  'pid=$(pidof dockerd | cut -d" " -f1)',
  '[ -n "$pid" ] || pid=1',
  `exec nsenter -t "$pid" -m -u -n -i /bin/sh -c 'cd "$1" 2>/dev/null || cd /; eval "$2"' host "$1" "$2"`,
].join('\n')

/** `host$ [sudo] COMMAND...`: through the demo's own DOCKER_HOST (the proxy labels the helper as
 *  the deck's), in a helper container that shares the host's pids. */
export function hostProgram(): string {
  const quoted = (text: string) => `'${text.replaceAll('\'', '\'\\\'\'')}'`
  return `#!/bin/sh
# ${HOST_PROGRAM} COMMAND...: runs COMMAND on the Docker host, as ssh HOST COMMAND would: the words
# are joined by spaces and the host's shell reads them (demo-server/shell/rc.ts wrote this file).
[ "$1" = sudo ] && shift
if [ $# -eq 0 ]; then
  echo 'host$: give it a command to run on the Docker host, e.g. host$ ls /var/lib/docker' >&2
  exit 2
fi
image=${quoted(HELPER_IMAGE)}
if ! docker image inspect "$image" >/dev/null 2>&1; then
  echo ${quoted(`host$: the helper image ${HELPER_IMAGE} is not on this engine (host$ lines run in a helper container of it). ${pullWhileOnline(HELPER_IMAGE)}`)} >&2
  exit 125
fi
tty=
if [ -t 0 ] && [ -t 1 ]; then tty=-t; fi
exec docker run --rm -i $tty --pid host --cap-add SYS_ADMIN --cap-add SYS_PTRACE --cap-add SYS_CHROOT \\
  --network none --log-driver none --label ${HELPER_LABEL}=true "$image" \\
  sh -c ${quoted(ENTER_HOST)} "$image" "$PWD" "$*"
`
}
