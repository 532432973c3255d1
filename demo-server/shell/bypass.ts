/**
 * What in a line would send docker around the demo server's proxy, found in the line's model
 * (syntax.ts). The deck's shell gets DOCKER_HOST on the proxy, which labels and scopes everything
 * the deck does; these would talk to another engine, or to this one directly:
 * - another engine, context, config directory or TLS setup for docker or docker-compose
 *   (`-H`, `--context`, `--config`, `--tls*`, DOCKER_HOST=..., export DOCKER_CONTEXT=...);
 * - the environment taken away (`unset DOCKER_HOST`, `env -i docker ...`, `sudo docker ...`);
 * - the engine's socket itself (`curl --unix-socket`, `-v /var/run/docker.sock:...`).
 * The check reports them, and the server refuses to type such a line. Pure.
 */
import type { DockerProgram } from '../docker-cli/programs.ts'
import { DOCKER_PROGRAMS, forbiddenGlobalOption, forbiddenGlobalOptionProblem } from '../docker-cli/programs.ts'
import type { Invocation } from './invocations.ts'
import { baseName, invocationsOf } from './invocations.ts'
import { HOST_PROGRAM } from './rc.ts'
import type { ShellPosition, ShellScript } from './syntax.ts'

/** The variables that decide which engine docker and docker-compose talk to, and how. */
export const ENGINE_VARIABLES = ['DOCKER_HOST', 'DOCKER_CONTEXT', 'DOCKER_CONFIG', 'DOCKER_TLS', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH'] as const

export interface Bypass {
  at: ShellPosition
  message: string
}

export interface BypassOptions {
  /** The engine's own socket, when the server knows it (`/var/run/docker.sock`). */
  engineSocket?: string
}

const PROXY = 'every line talks to Docker through the demo server\'s proxy, which labels and scopes what the deck does'

export function bypassesIn(script: ShellScript, options: BypassOptions = {}): Bypass[] {
  const found: Bypass[] = []
  const isEngineVariable = (name: string) => (ENGINE_VARIABLES as readonly string[]).includes(name)
  // Set for one program (`DOCKER_HOST=x docker ps`): reported with that program below.
  const forOneProgram = new Set(script.commands.filter(c => c.words.length > 0).flatMap(c => c.assignments))
  for (const name of script.sets.filter(name => isEngineVariable(name) && !forOneProgram.has(name))) {
    const command = script.commands.find(c => c.assignments.includes(name)) ?? script.commands[0]
    found.push({ at: command?.at ?? { line: 1, column: 1 }, message: `${name} is set: ${PROXY}, and ${name} would send docker elsewhere. Remove it` })
  }
  for (const command of script.commands) {
    /** One problem per command: `-H unix:///var/run/docker.sock` is not also a socket's name. */
    let optionReported = false
    for (const invocation of invocationsOf(command)) {
      const program = invocation.program.value === undefined ? undefined : baseName(invocation.program.value)
      const at = invocation.program.at
      if (program === 'unset') {
        for (const arg of invocation.args.filter(a => a.value !== undefined && isEngineVariable(a.value)))
          found.push({ at: arg.at, message: `unset ${arg.value}: ${PROXY}, and without ${arg.value} docker would talk to the engine directly. Remove it` })
      }
      if (program === HOST_PROGRAM) {
        const words = invocation.args.map(arg => arg.value)
        const hostProgram = words[0] === 'sudo' ? words[1] : words[0]
        if (isDockerProgram(hostProgram && baseName(hostProgram)))
          found.push({ at, message: `${HOST_PROGRAM} ${hostProgram}: ${PROXY}, and on the Docker host ${hostProgram} talks to the engine directly. Write the line without ${HOST_PROGRAM}` })
      }
      for (const name of invocation.assignments.filter(isEngineVariable))
        found.push({ at, message: `${name}=... before ${program ?? 'the program'}: ${PROXY}, and ${name} would send it elsewhere. Remove it` })
      if (!isDockerProgram(program))
        continue
      const dockerProgram = program as DockerProgram
      if (invocation.via.includes('sudo'))
        found.push({ at, message: `sudo ${program}: ${PROXY}; sudo runs ${program} as root with root's settings, which talk to the engine directly. The demo server needs no sudo: remove it` })
      const cleared = invocation.clearedEnvironment
      if (cleared.includes('all') || cleared.some(isEngineVariable))
        found.push({ at, message: `env ${cleared.includes('all') ? '-i' : `-u ${cleared.find(isEngineVariable)}`} ${program}: ${PROXY}, and ${program} would then talk to the engine directly. Remove it` })
      const option = forbiddenGlobalOption(dockerProgram, literalWords(invocation))
      if (option) {
        found.push({ at, message: forbiddenGlobalOptionProblem(dockerProgram, option) })
        optionReported = true
      }
    }
    for (const word of optionReported ? [] : command.words) {
      const text = word.value ?? word.text
      if (/^--unix-socket(?:=|$)/.test(text))
        found.push({ at: word.at, message: `${text}: ${PROXY}; a unix socket given to another program reaches the engine around it. Use docker's own commands instead` })
      else if (text.includes('docker.sock') || (options.engineSocket !== undefined && text.includes(options.engineSocket)))
        found.push({ at: word.at, message: `"${text}" names the engine's socket: ${PROXY}, and whatever gets the socket talks to the engine directly (a container with it mounted can change everything on the engine). Remove it` })
    }
  }
  return found
}

function isDockerProgram(program: string | undefined): boolean {
  return (DOCKER_PROGRAMS as readonly (string | undefined)[]).includes(program)
}

/** The arguments as bash passes them; a word with an expansion ends the global options (it is
 *  read as the subcommand). */
function literalWords(invocation: Invocation): string[] {
  const words: string[] = []
  for (const arg of invocation.args) {
    if (arg.value === undefined)
      break
    words.push(arg.value)
  }
  return words
}
