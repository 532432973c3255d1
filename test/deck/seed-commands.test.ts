/**
 * Every command the seed shows is a step of some demo in slides.md (run, or shown-only with a
 * reason), in its corrected form: placeholders made runnable, slips fixed. The list pairs the
 * seed's line with the step that stands for it.
 */
import { readFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import type { Step } from '../../demo-server/deck/model'
import { parseDeck } from '../../demo-server/deck/parse'

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..')

interface Expected {
  /** The seed's line, as the seed has it. */
  seed: string
  /** Where the deck's step runs: the demo's shell, the Docker host (a `host$` line of that
   *  shell), or a container's shell. */
  target: 'shell' | 'host' | 'container'
  /** The deck's step command, as the parser reports it (`host$` and `sudo` left out). */
  command: string
  /** For container steps: the container the line that opened it names. */
  container?: string
  online?: boolean
  shownOnly?: boolean
}

const d = (seed: string, command = seed, extra: Partial<Expected> = {}): Expected => ({ seed, target: 'shell', command, ...extra })
const host = (seed: string, command: string): Expected => ({ seed, target: 'host', command })
const inside = (container: string, seed: string, command = seed.replace(/^[/~]\S* # /, ''), extra: Partial<Expected> = {}): Expected =>
  ({ seed, target: 'container', container, command, ...extra })

const SEED_COMMANDS: Expected[] = [
  // Storage
  d('docker pull python:latest', undefined, { online: true }),
  d('docker history python:latest'),
  d('docker run -it alpine ash', 'docker run -it --name difftest alpine ash'),
  inside('difftest', '/ # cd'),
  inside('difftest', '/ # touch test.txt'),
  d('docker diff <container id>', 'docker diff difftest'),
  d('docker run -d alpine sleep infinity', 'CID=$(docker run -d alpine sleep infinity)'),
  d('docker exec -it <container id> ash', 'docker exec -it $CID ash'),
  inside('$CID', '/ # touch test.txt'),
  d('docker diff <container id>', 'docker diff $CID'),
  d('docker ps -s'),
  d('docker info'),
  host('sudo ls /var/lib/docker/containers', 'ls /var/lib/docker/containers'),
  host('sudo du -sh /var/lib/docker/containers/*', 'du -sh /var/lib/docker/containers/*'),
  { seed: 'screen ~/Library/Containers/com.docker.docker/Data/vms/0/tty', target: 'host', command: 'screen ~/Library/Containers/com.docker.docker/Data/vms/0/tty', shownOnly: true },
  // Volumes
  d('docker volume create vol'),
  d('docker volume inspect vol'),
  d('docker run -d --name devtest --mount src=vol2,dst=/app nginx:latest'),
  d('# docker run -d --name devtest -v myvol2:/app nginx:latest', 'docker run -d --name devtest2 -v vol2:/app nginx:latest'),
  d('docker run -d --name nonametest --mount dst=/app nginx:latest'),
  d('docker volume ls'),
  d('docker run -d --mount src=vol,dst=/app alpine touch /app/test.txt', 'docker run -d --name writer --mount src=vol,dst=/app alpine touch /app/test.txt'),
  d('docker ps -a'),
  d('docker run -d --mount src=vol,dst=/app alpine ls /app', 'docker run -d --name reader --mount src=vol,dst=/app alpine ls /app'),
  d('docker volume prune', 'docker volume prune -f'),
  d('docker run -d -it --name devtest --mount type=bind,source="$(pwd)"/target,target=/app nginx:latest', 'docker run -d -it --name bindtest --mount type=bind,source="$(pwd)"/target,target=/app nginx:latest'),
  d('# docker run -d -it --name devtest -v "$(pwd)"/target:/app nginx:latest', 'docker run -d -it --name bindtest-v -v "$(pwd)"/target:/app nginx:latest'),
  d('docker run -v /dbdata --name dbstore ubuntu /bin/bash'),
  d('docker run --rm --volumes-from dbstore -v $(pwd):/backup ubuntu tar cvf /backup/backup.tar /dbdata'),
  d('docker run -v /dbdata --name dbstore2 ubuntu /bin/bash'),
  d('docker rundocker run --rm --volumes-from dbstore2 -v $(pwd):/backup ubuntu bash -c "cd /dbdata && tar xvf /backup/backup.tar --strip 1"', 'docker run --rm --volumes-from dbstore2 -v $(pwd):/backup ubuntu bash -c "cd /dbdata && tar xvf /backup/backup.tar --strip 1"'),
  // Network tutorial (the seed forgot `docker network create net`)
  d('(missing in the seed)', 'docker network create net'),
  d('docker run -dit --name co1 --network net alpine ash'),
  d('docker run -dit --name co2 --network net alpine ash'),
  d('docker run -dit --name co3 alpine ash'),
  d('docker run -dit --name co4 --network net alpine ash'),
  d('docker connect bridge co4', 'docker network connect bridge co4'),
  d('docker network connect bridge co4'),
  d('docker container ls'),
  d('docker network inspect bridge'),
  d('docker network inspect net'),
  d('docker container attach co1'),
  inside('co1', '/ # ping -c 2 co2'),
  inside('co1', '/ # ping -c 2 c3', 'ping -c 2 co3'),
  inside('co1', '# ip address show', 'ip address show'),
  d('docker container attach co4'),
  inside('co4', '/ # ping -c 2 co1'),
  inside('co4', '/ # ping -c 3 co3', 'ping -c 2 co3'),
  d('/ # ping -c 172.17.0.2', 'docker exec co4 ping -c 2 $CO3_IP'),
  host('ip link show', 'ip link show'),
  inside('co4', '/ # ip link show'),
  inside('co4', '/ # apk add --no-cache bind-tool', 'apk add --no-cache bind-tools', { online: true }),
  inside('co4', '/ # dig co1 A', undefined, { online: true }),
  inside('co4', '/ # cat /etc/resolv.conf'),
  d('docker container attach co3'),
  inside('co3', '/ # cat /etc/resolv.conf'),
  d('docker rm -f co1 co2 co3 co4'),
  d('docker network rm net'),
]

/** Where a step runs, as Expected names it. */
function targetOf(step: Step): Expected['target'] {
  return step.target.kind === 'container' ? 'container' : /^host\$ /.test(step.command) ? 'host' : 'shell'
}

/** The command without its `host$` and `sudo`, spaces folded. */
function commandOf(step: Step): string {
  return step.command.replace(/^host\$ (?:sudo )?/, '').replace(/\\\n/g, ' ').replace(/\s+/g, ' ')
}

function describeStep(step: Step): string {
  return `${targetOf(step)}: ${step.command}`
}

describe('every command of the seed is a demo step', async () => {
  const deck = parseDeck(await readFile(join(ROOT, 'slides.md'), 'utf8'), 'slides.md')
  const steps = deck.demos.flatMap(demo => demo.steps)

  it.each(SEED_COMMANDS.map(e => [e.seed, e] as const))('%s', (_seed, expected) => {
    const openerOf = (step: Step) => step.target.kind === 'container' ? deck.demos.find(demo => demo.steps.includes(step))!.steps[step.target.opener - 1] : undefined
    const matches = steps.filter(step =>
      (expected.shownOnly || targetOf(step) === expected.target)
      && commandOf(step) === expected.command
      && (expected.target !== 'container' || openerOf(step)?.command.split(/\s+/).includes(expected.container!)))
    expect(matches.length, `no step "${expected.command}" (${expected.target}${expected.container ? ` ${expected.container}` : ''}); steps with a similar start:\n${
      steps.filter(s => s.command.startsWith(expected.command.split(' ').slice(0, 2).join(' '))).map(describeStep).join('\n')}`).toBeGreaterThan(0)
    if (expected.online)
      expect(matches.some(step => step.options.online), `"${expected.command}" needs the internet: mark it # online`).toBe(true)
    if (expected.shownOnly)
      expect(matches.every(step => step.options.shownOnly), `"${expected.command}" cannot run here: mark it # shown-only`).toBe(true)
  })

  it('shows the debugging flags of the security appendix in a runnable step', () => {
    expect(steps.some(step => step.command.includes('--cap-add=SYS_PTRACE --security-opt seccomp=unconfined') && !step.options.shownOnly)).toBe(true)
  })

  it('ends the etcd quorum demo with a refused write that fails fast', () => {
    const refused = steps.filter(step => step.id.startsWith('etcd-') && step.options.expectFail)
    expect(refused.length).toBeGreaterThan(0)
    for (const step of refused)
      expect(step.command).toMatch(/--command-timeout=\d+s/)
  })
})
