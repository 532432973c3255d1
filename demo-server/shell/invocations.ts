/**
 * What a simple command runs, seen through the programs that run another one: `xargs docker rm`,
 * `env X=1 docker ps`, `sudo docker ps`, `timeout 5 docker logs -f web`, `watch docker ps`. The
 * check holds every docker invocation to the CLI, wherever it sits; the bypass rules look for
 * `sudo docker`. Pure.
 */
import type { ShellCommand, ShellWord } from './syntax.ts'

export interface Invocation {
  program: ShellWord
  args: ShellWord[]
  /** `NAME` of each `NAME=value` set for it: before it in the command, or by an `env` before it. */
  assignments: string[]
  /** The programs it runs under, outermost first (`['sudo']`, `['xargs']`). */
  via: string[]
  /** `env -i`, `env -u NAME`: the environment it gets is not the shell's. */
  clearedEnvironment: string[]
}

interface Wrapper {
  /** Options whose value is the next word when not attached (`-n 1`, `-u root`). */
  valued: RegExp
  /** Words after the options that are not the program (timeout's duration). */
  operands?: number
}

/** Programs that run the command after their options. Others are programs like any. */
const WRAPPERS: Record<string, Wrapper> = {
  xargs: { valued: /^(?:-[aEdIiLlnPs]|--(?:arg-file|delimiter|eof|replace|max-lines|max-args|max-procs|max-chars|process-slot-var))$/ },
  env: { valued: /^(?:-[uCS]|--(?:unset|chdir|split-string))$/ },
  sudo: { valued: /^(?:-[ugCDhpRrTtU]|--(?:user|group|close-from|chdir|host|prompt|chroot|role|type|command-timeout|other-user))$/ },
  nohup: { valued: /^$/ },
  nice: { valued: /^(?:-n|--adjustment)$/ },
  timeout: { valued: /^(?:-[sk]|--(?:signal|kill-after))$/, operands: 1 },
  command: { valued: /^$/ },
  exec: { valued: /^-a$/ },
  watch: { valued: /^(?:-[nq]|--(?:interval|equexit))$/ },
  stdbuf: { valued: /^-[ioe]$/ },
  setsid: { valued: /^$/ },
}

/** Every program the command runs, outermost first: `sudo docker ps` gives sudo, then docker. */
export function invocationsOf(command: ShellCommand): Invocation[] {
  const found: Invocation[] = []
  let words = command.words
  let assignments = [...command.assignments]
  const via: string[] = []
  const cleared: string[] = []
  while (words.length > 0) {
    const [program, ...args] = words
    found.push({ program, args, assignments, via: [...via], clearedEnvironment: [...cleared] })
    const wrapper = program.value === undefined ? undefined : WRAPPERS[baseName(program.value)]
    if (!wrapper)
      break
    const name = baseName(program.value!)
    let i = 0
    assignments = []
    for (; i < args.length; i++) {
      const arg = args[i].value
      if (arg === undefined)
        break
      if (name === 'env' && /^[A-Za-z_]\w*=/.test(arg)) {
        assignments.push(arg.slice(0, arg.indexOf('=')))
        continue
      }
      if (name === 'env' && (arg === '-i' || arg === '-' || arg === '--ignore-environment'))
        cleared.push('all')
      if (name === 'env' && /^(?:-u|--unset)$/.test(arg) && args[i + 1]?.value)
        cleared.push(args[i + 1].value!)
      if (name === 'env' && arg.startsWith('--unset='))
        cleared.push(arg.slice('--unset='.length))
      if (arg === '--') {
        i += 1
        break
      }
      if (!arg.startsWith('-') || arg === '-')
        break
      if (name === 'command' && /^-[vV]$/.test(arg))
        return found // `command -v docker` only looks it up
      if (wrapper.valued.test(arg))
        i += 1
    }
    i += wrapper.operands ?? 0
    via.push(name)
    words = args.slice(i)
  }
  return found
}

/** `/usr/bin/docker` is docker. */
export function baseName(program: string): string {
  return program.slice(program.lastIndexOf('/') + 1)
}
